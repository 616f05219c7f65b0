// Tabs (Designsystemet's, the ARIA tabs pattern) from a list of links that works without
// JavaScript: each link (?visning=<panel>) loads the page with that panel shown. With this
// script the links become a tablist: role="tab" with aria-selected and aria-controls, one tab
// in the tab order, the arrow keys, Home and End move between tabs and show their panel, and
// the address follows (history.replaceState), so a reload or a shared link keeps the tab.
(function () {
  "use strict";

  function setUp(root) {
    var nav = root.querySelector("[data-tab-links]");
    if (!nav) {
      return;
    }
    var links = Array.prototype.slice.call(nav.querySelectorAll("a[data-tab]"));
    var tablist = document.createElement("div");
    tablist.setAttribute("role", "tablist");
    tablist.setAttribute("aria-label", nav.getAttribute("aria-label") || "");
    links.forEach(function (link) {
      var panel = document.getElementById(link.dataset.tab);
      link.setAttribute("role", "tab");
      link.setAttribute("aria-controls", panel.id);
      link.removeAttribute("aria-current");
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", link.id);
      panel.setAttribute("tabindex", "0");
      tablist.appendChild(link);
    });
    nav.replaceWith(tablist);

    function select(chosen, moveFocus) {
      links.forEach(function (link) {
        var selected = link === chosen;
        link.setAttribute("aria-selected", selected ? "true" : "false");
        link.setAttribute("tabindex", selected ? "0" : "-1");
        document.getElementById(link.dataset.tab).hidden = !selected;
      });
      if (moveFocus) {
        chosen.focus();
      }
    }

    var current = links.filter(function (link) {
      return !document.getElementById(link.dataset.tab).hidden;
    })[0] || links[0];
    select(current, false);

    tablist.addEventListener("click", function (event) {
      var link = event.target.closest("[role='tab']");
      if (!link) {
        return;
      }
      event.preventDefault();
      select(link, true);
      history.replaceState(null, "", link.getAttribute("href").split("#")[0]);
    });
    tablist.addEventListener("keydown", function (event) {
      var index = links.indexOf(document.activeElement);
      if (index < 0) {
        return;
      }
      var next = {
        ArrowRight: (index + 1) % links.length,
        ArrowLeft: (index - 1 + links.length) % links.length,
        Home: 0,
        End: links.length - 1,
      }[event.key];
      if (next === undefined) {
        return;
      }
      event.preventDefault();
      select(links[next], true);
      history.replaceState(null, "", links[next].getAttribute("href").split("#")[0]);
    });
  }

  document.querySelectorAll("[data-tabs]").forEach(setUp);
})();
