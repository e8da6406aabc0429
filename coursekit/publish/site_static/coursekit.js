// Small fixes to Material's pages, run on every page:
// - the search dialog gets an accessible name (axe-core: aria-dialog-name);
// - from file:// (the unzipped bundle) the exercise notebook button points into the
//   bundle's exercises/ folder: a browser shows a notebook opened from file:// as raw JSON,
//   and the bundle has the same notebook beside the site;
// - search result links lose an empty "?h=" (Material adds it when no word was highlighted).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[role=dialog]:not([aria-label])").forEach(function (dialog) {
    dialog.setAttribute("aria-label", "Search");
  });
});

document.addEventListener("DOMContentLoaded", function () {
  if (location.protocol !== "file:") {
    return;
  }
  var notebook = document.getElementById("download-notebook");
  if (notebook) {
    var name = notebook.getAttribute("href").split("/").pop();
    notebook.setAttribute("href", "../../exercises/");
    notebook.removeAttribute("download");
    notebook.lastChild.textContent = " exercises/" + name + " (in this bundle)";
  }
});

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

// Material renders search results as the user types; a page listed only for its
// sections gets "?h=" with no word. Drop it from every result link as it appears.
document.addEventListener("DOMContentLoaded", function () {
  var results = document.querySelector(".md-search-result");
  if (!results) {
    return;
  }
  function clean() {
    results.querySelectorAll("a[href*='?h=']").forEach(function (link) {
      var href = link.getAttribute("href");
      var fixed = href.replace(/\?h=(#|$)/, "$1");
      if (fixed !== href) {
        link.setAttribute("href", fixed);
      }
    });
  }
  new MutationObserver(clean).observe(results, {childList: true, subtree: true});
});
