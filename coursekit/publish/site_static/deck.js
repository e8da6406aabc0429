/* coursekit decks: fit each slide into the deck's 1280×720 box, and the exercise timers.
   Shipped as slides/reveal.js/coursekit/deck.js, loaded before Reveal.initialize.

   A slide is fitted when it is shown (fonts, MathJax and images change heights, so it is
   fitted again once they are ready): code that is too wide shrinks down to FLOOR px, then
   wraps; if the slide is still too tall, its figures give up height, then its code shrinks
   down to FLOOR. section.dataset.fit says "ok" or "overflow": the build's fit check
   (coursekit/publish/deck_check.py) reads real element boxes to decide.
   Also here: the zoom key (Z), the exercise countdowns, the instructor deck's answer key
   (A), and keyboard focus kept out of the slides that are not shown. */
(function () {
    "use strict";
    var FLOOR = 20;        // smallest code font, in slide px (= screen px at 1280×720): the
                           // back of a room reads 20 px; below it code wraps instead
    var COMFORT = 396;     // figures shrink to this height (55 % of the slide, what the fit
                           // check asks of a figure) before code shrinks (slide px)
    var MIN_FIGURE = 200;  // and never below this: a smaller one cannot be read
    var MAX_GROW = 1.5;    // nor grown past 1.5 times its own size (it would blur)

    function each(root, selector, fn) {
        Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
    }

    function fontSize(el) {
        return parseFloat(window.getComputedStyle(el).fontSize);
    }

    function tooWide(pre) {
        return pre.scrollWidth > pre.clientWidth + 1;
    }

    function tooTall(section) {
        return section.scrollHeight > Reveal.getConfig().height + 1;
    }

    function reset(section) {
        each(section, "pre", function (pre) {
            pre.style.fontSize = "";
            pre.classList.remove("ck-wrap");
        });
        each(section, "img", function (img) {
            img.style.height = "";
        });
    }

    function fitWidth(pre) {
        var size = fontSize(pre);
        while (tooWide(pre) && size > FLOOR) {
            size = Math.max(FLOOR, size - 1);
            pre.style.fontSize = size + "px";
        }
        if (tooWide(pre)) {
            pre.classList.add("ck-wrap");
        }
    }

    function figureHeights(imgs, change) {
        var total = imgs.reduce(function (sum, img) { return sum + img.offsetHeight; }, 0);
        if (total <= 0) {
            return;
        }
        imgs.forEach(function (img) {
            var height = img.offsetHeight;
            img.style.height = Math.floor(change(height, height / total)) + "px";
        });
    }

    function growFigures(section) {
        var imgs = Array.prototype.slice.call(section.querySelectorAll("img"));
        var free = Reveal.getConfig().height - section.scrollHeight - 2;
        if (imgs.length && free > 0) {
            figureHeights(imgs, function (height, share) {
                return Math.min(height + free * share, height * MAX_GROW);
            });
        }
    }

    function shrinkFigures(section, least) {
        var imgs = Array.prototype.slice.call(section.querySelectorAll("img"));
        for (var round = 0; round < 4 && imgs.length && tooTall(section); round++) {
            var over = section.scrollHeight - Reveal.getConfig().height;
            figureHeights(imgs, function (height, share) {
                return Math.max(Math.min(least, height), height - over * share - 1);
            });
        }
    }

    function shrinkCode(section) {
        var pres = Array.prototype.slice.call(section.querySelectorAll("pre"));
        while (tooTall(section)) {
            var larger = pres.filter(function (pre) { return fontSize(pre) > FLOOR; });
            if (!larger.length) {
                return;
            }
            larger.forEach(function (pre) {
                pre.style.fontSize = Math.max(FLOOR, fontSize(pre) - 1) + "px";
            });
        }
    }

    function decoded(section) {
        var imgs = Array.prototype.slice.call(section.querySelectorAll("img"));
        return Promise.all(imgs.map(function (img) {
            return img.decode ? img.decode().catch(function () {}) : null;
        }));
    }

    /* Fit one slide; resolves to true when it fits. */
    function fit(section) {
        if (!section) {
            return Promise.resolve(true);
        }
        return decoded(section).then(function () {
            reset(section);
            each(section, "pre", fitWidth);
            growFigures(section);
            shrinkFigures(section, COMFORT);
            shrinkCode(section);
            shrinkFigures(section, MIN_FIGURE);
            var wide = Array.prototype.some.call(section.querySelectorAll("pre"), tooWide);
            var fits = !tooTall(section) && !wide;
            section.dataset.fit = fits ? "ok" : "overflow";
            return fits;
        });
    }

    function mathTypeset() {
        return new Promise(function (resolve) {
            if (document.readyState === "complete") {
                resolve();
            } else {
                window.addEventListener("load", resolve);
            }
        }).then(function () {
            var startup = window.MathJax && window.MathJax.startup;
            return startup && startup.promise ? startup.promise : null;
        });
    }

    function formatClock(seconds) {
        var rest = seconds % 60;
        return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
    }

    /* A countdown keeps its deadline, not a tick count: it runs on while another slide is
       shown, and sessionStorage keeps it across a reload of the deck. */
    function timerKey(box) {
        var section = box.closest("section");
        return "coursekit-timer:" + window.location.pathname + ":"
            + (section && section.dataset.exercise || "");
    }

    function loadTimer(box) {
        var total = Number(box.dataset.minutes) * 60;
        try {
            var saved = JSON.parse(window.sessionStorage.getItem(timerKey(box)) || "null");
            if (saved && typeof saved.left === "number") {
                return saved;
            }
        } catch (ignored) {
            // no storage (a sandboxed frame): the countdown lives as long as the page
        }
        return {left: total, deadline: null};
    }

    function saveTimer(box, state) {
        try {
            window.sessionStorage.setItem(timerKey(box), JSON.stringify(state));
        } catch (ignored) {
            // as above
        }
    }

    function setUpTimer(box) {
        var button = box.querySelector(".ck-timer-button");
        var clock = box.querySelector(".ck-timer-clock");
        var state = loadTimer(box);
        var ticking = null;

        function left() {
            return state.deadline === null ? state.left
                : Math.max(0, Math.ceil((state.deadline - Date.now()) / 1000));
        }
        function show() {
            var seconds = left();
            clock.textContent = formatClock(seconds);
            var done = !seconds;
            box.classList.toggle("ck-timer-done", done);
            button.firstChild.textContent = done ? "Time is up "
                : state.deadline !== null ? "Pause "
                : seconds < Number(box.dataset.minutes) * 60 ? "Resume " : "Start ";
            if (done || state.deadline === null) {
                window.clearInterval(ticking);
                ticking = null;
            }
        }
        function run() {
            ticking = ticking || window.setInterval(show, 250);
            show();
        }
        button.addEventListener("click", function (event) {
            event.stopPropagation();
            if (state.deadline !== null) {  // pause (or acknowledge the end)
                state = {left: left(), deadline: null};
            } else if (state.left > 0) {
                state = {left: state.left, deadline: Date.now() + state.left * 1000};
            }
            saveTimer(box, state);
            run();
        });
        // Space and Enter on the focused button press it; reveal.js must not see them
        // (Space would move to the next slide)
        button.addEventListener("keydown", function (event) {
            if (event.key === " " || event.key === "Enter" || event.key === "Spacebar") {
                event.stopPropagation();
            }
        });
        run();
    }

    /* The instructor's deck: the solution is on the slide but hidden; the answer key shows
       it in the stub's place and hides it again. Leaving the slide hides it, so → back
       onto the slide never projects it. */
    var ANSWER_KEY = {keyCode: 65, key: "A", description: "Show or hide the solution"};
    var instructor = document.body.dataset.deck === "instructor";

    function showAnswer(section, shown) {
        if (section && section.querySelector(".ck-swap-in")) {
            section.classList.toggle("ck-answer-shown", Boolean(shown));
        }
        return fit(section);
    }

    /* A solution too long for one slide goes on over the next (long_solutions.py): shown
       when the presenter moves on, it stays shown there. */
    function carriesAnswer(event) {
        var from = event.previousSlide, to = event.currentSlide;
        return Boolean(instructor && from && to && from.classList.contains("ck-answer-shown")
                       && to.querySelector(".ck-solution-continues")
                       && Reveal.getIndices(to).h === Reveal.getIndices(from).h + 1);
    }

    function hideAnswers() {
        each(document, ".reveal .slides section.ck-answer-shown", function (section) {
            section.classList.remove("ck-answer-shown");
        });
    }

    /* The speaker view shows a slide's <aside class="notes">: every slide of the
       instructor's deck says which deck is on the screen. */
    function markSpeakerNotes() {
        each(document, ".reveal .slides > section", function (section) {
            var note = document.createElement("aside");
            note.className = "notes ck-deck-note";
            note.innerHTML = "<p><strong>Instructor deck</strong>: solutions are in these "
                + "notes; " + ANSWER_KEY.key + " shows one on the screen.</p>";
            section.insertBefore(note, section.firstChild);
        });
    }

    /* Only the current slide takes keyboard focus: reveal.js hides the others with
       aria-hidden, and focus inside them would be invisible (axe: aria-hidden-focus).
       The overview lets every slide be picked. */
    function inertHidden() {
        var current = Reveal.getCurrentSlide();
        var overview = Reveal.isOverview();
        each(document, ".reveal .slides > section", function (section) {
            section.inert = !overview && section !== current;
        });
    }

    /* Z zooms into the current slide's largest figure, Z again (or Esc, or leaving the
       slide) zooms out: reveal.js' zoom plugin, which alt-click drives anywhere on a slide
       (zoomKey in the deck's Reveal.initialize). */
    var ZOOM_KEY = {keyCode: 90, key: "Z", description: "Zoom into the figure (alt-click: "
                    + "anywhere)"};

    function zoomed() {
        return /scale/.test(document.body.style.transform || "");
    }

    function altClick(x, y) {  // what the zoom plugin listens to
        Reveal.getRevealElement().dispatchEvent(new MouseEvent("mousedown", {
            altKey: true, clientX: x, clientY: y, bubbles: true, cancelable: true}));
    }

    function zoomFigure() {
        if (zoomed()) {
            altClick(0, 0);  // a zoomed plugin zooms out on the next alt-click
            return;
        }
        var imgs = Array.prototype.slice.call(Reveal.getCurrentSlide().querySelectorAll("img"));
        var area = function (img) { return img.offsetWidth * img.offsetHeight; };
        var largest = imgs.sort(function (a, b) { return area(b) - area(a); })[0];
        if (largest) {
            var box = largest.getBoundingClientRect();
            altClick(box.left + box.width / 2, box.top + box.height / 2);
        }
    }

    var revealReady = new Promise(function (resolve) {
        Reveal.on("ready", resolve);
    });

    if (instructor) {
        markSpeakerNotes();
    }

    window.coursekitDeck = {
        fit: fit,
        showAnswer: showAnswer,
        /* resolves once reveal.js, the fonts and MathJax are done: layout is final */
        ready: revealReady.then(function () {
            return document.fonts.ready;
        }).then(mathTypeset).then(function () {
            return fit(Reveal.getCurrentSlide());
        })
    };

    Reveal.on("ready", function (event) {
        each(document, ".ck-timer", setUpTimer);
        Reveal.addKeyBinding(ZOOM_KEY, zoomFigure);
        if (instructor) {
            Reveal.addKeyBinding(ANSWER_KEY, function () {
                var section = Reveal.getCurrentSlide();
                showAnswer(section, !section.classList.contains("ck-answer-shown"));
            });
        }
        inertHidden();
        fit(event.currentSlide);
    });
    Reveal.on("slidechanged", function (event) {
        var carried = carriesAnswer(event);
        if (zoomed()) {
            altClick(0, 0);
        }
        hideAnswers();
        inertHidden();
        if (carried) {
            event.currentSlide.classList.add("ck-answer-shown");
        }
        fit(event.currentSlide);
    });
    ["overviewshown", "overviewhidden"].forEach(function (name) {
        Reveal.on(name, inertHidden);
    });
    ["fragmentshown", "fragmenthidden"].forEach(function (name) {
        Reveal.on(name, function () {
            fit(Reveal.getCurrentSlide());
        });
    });
}());
