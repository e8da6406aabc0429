// MathJax on the notes pages, from the site's own copy (no CDN: mkdocs.yml loads this
// file, then assets/vendor/mathjax/tex-chtml-full.js). pymdownx.arithmatex (generic mode)
// wraps every formula of the Markdown in an .arithmatex element as \(...\) or \[...\];
// only those are typeset, so code and outputs that contain $ are left alone.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex"
  },
  startup: {
    typeset: false  // document$ below typesets every page, the first one included
  }
};

// Material emits document$ for each page it shows, also after instant navigation (which
// swaps the content without reloading the scripts): typeset the new content, one pass
// after the other.
document$.subscribe(function () {
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) {
    return;  // the MathJax script did not load: the formulas stay as written
  }
  MathJax.startup.promise = MathJax.startup.promise.then(function () {
    MathJax.startup.output.clearCache();
    MathJax.typesetClear();
    MathJax.texReset();
    return MathJax.typesetPromise();
  });
});
