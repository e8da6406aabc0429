// The course bundle cannot contain itself: when the site is opened from the unzipped
// bundle (file://), the home page's download button gives way to a note saying where
// the notebooks are.
document.addEventListener("DOMContentLoaded", function () {
  if (location.protocol !== "file:") {
    return;
  }
  var button = document.getElementById("download-bundle");
  var note = document.getElementById("bundle-note");
  if (button) {
    button.style.display = "none";
  }
  if (note) {
    note.hidden = false;
  }
});
