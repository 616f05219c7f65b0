/* The room's week grid as an ARIA grid (progressive enhancement: without this script the
   table is a plain table of links, which works too). One tab stop for the whole grid
   (roving tabindex); the arrow keys move between times (up, down) and days (left, right),
   Home and End to the first and last time of the day, Page Up and Page Down six rows at a
   time, Ctrl+Home and Ctrl+End to the grid's corners. Enter on a free time follows its
   link to the booking form. Run again on content htmx swaps in (the week navigation). */
(function () {
  "use strict";

  function focusTarget(cell) {
    return cell.querySelector("a") || cell;
  }

  function setUp(table) {
    if (table.getAttribute("role") === "grid") {
      return;
    }
    var body = table.tBodies[0];
    if (!body) {
      return;
    }
    var grid = Array.prototype.map.call(body.rows, function (row) {
      return Array.prototype.filter.call(row.cells, function (cell) {
        return cell.tagName === "TD";
      });
    });
    if (!grid.length || !grid[0].length) {
      return;
    }
    table.setAttribute("role", "grid");
    var keys = document.getElementById("grid-keys");
    if (keys) {
      keys.hidden = false;
      table.setAttribute("aria-describedby", "grid-keys");
    }
    grid.forEach(function (row) {
      row.forEach(function (cell) {
        cell.tabIndex = -1;
        var link = cell.querySelector("a");
        if (link) {
          link.tabIndex = -1;
        }
      });
    });

    var position = startPosition(table, grid);
    var current = focusTarget(grid[position.row][position.col]);
    current.tabIndex = 0;

    function moveTo(row, col) {
      row = Math.max(0, Math.min(grid.length - 1, row));
      col = Math.max(0, Math.min(grid[row].length - 1, col));
      var next = focusTarget(grid[row][col]);
      current.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
      current = next;
      position = { row: row, col: col };
    }

    table.addEventListener("focusin", function (event) {
      // A click or the screen reader's own cursor: remember where focus is.
      for (var r = 0; r < grid.length; r++) {
        for (var c = 0; c < grid[r].length; c++) {
          if (grid[r][c].contains(event.target)) {
            if (current !== event.target) {
              current.tabIndex = -1;
              current = focusTarget(grid[r][c]);
              current.tabIndex = 0;
            }
            position = { row: r, col: c };
            return;
          }
        }
      }
    });

    table.addEventListener("keydown", function (event) {
      var row = position.row;
      var col = position.col;
      switch (event.key) {
        case "ArrowRight": col += 1; break;
        case "ArrowLeft": col -= 1; break;
        case "ArrowDown": row += 1; break;
        case "ArrowUp": row -= 1; break;
        case "PageDown": row += 6; break;
        case "PageUp": row -= 6; break;
        case "Home":
          row = 0;
          if (event.ctrlKey) { col = 0; }
          break;
        case "End":
          row = grid.length - 1;
          if (event.ctrlKey) { col = grid[0].length - 1; }
          break;
        default:
          return;
      }
      event.preventDefault();
      moveTo(row, col);
    });
  }

  function startPosition(table, grid) {
    // The first free time of today's column if the week has today, else of the week.
    var header = table.tHead ? table.tHead.rows[0] : null;
    var todayCol = -1;
    if (header) {
      Array.prototype.forEach.call(header.cells, function (cell, index) {
        if (cell.getAttribute("aria-current") === "date") {
          todayCol = index - 1;
        }
      });
    }
    var columns = [];
    if (todayCol >= 0) {
      columns.push(todayCol);
    }
    for (var c = 0; c < grid[0].length; c++) {
      if (c !== todayCol) {
        columns.push(c);
      }
    }
    for (var i = 0; i < columns.length; i++) {
      for (var r = 0; r < grid.length; r++) {
        if (grid[r][columns[i]] && grid[r][columns[i]].querySelector("a")) {
          return { row: r, col: columns[i] };
        }
      }
    }
    return { row: 0, col: Math.max(todayCol, 0) };
  }

  function enhance(root) {
    var tables = (root || document).querySelectorAll("table[data-week-grid]");
    Array.prototype.forEach.call(tables, setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
  document.addEventListener("htmx:load", function () {
    enhance(document);
  });
})();
