// Progressive enhancement: offer "nearest hub" only where the browser can tell the location.
// The messages come translated in the form's data attributes (no inline script: CSP).
(function () {
  var form = document.querySelector("[data-nearest]");
  if (!form || !navigator.geolocation) return;
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    if (form.lat.value) return;
    event.preventDefault();
    var status = form.querySelector("[data-nearest-status]");
    status.textContent = form.dataset.finding;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.lat.value = position.coords.latitude.toFixed(5);
      form.lon.value = position.coords.longitude.toFixed(5);
      form.submit();
    }, function () {
      status.textContent = form.dataset.unavailable;
    });
  });
})();
