/* coursekit decks: fit each slide into the deck's 1280×720 box, and the exercise timers.
   Shipped as slides/reveal.js/coursekit/deck.js, loaded before Reveal.initialize.

   A slide is fitted when it is shown (fonts, MathJax and images change heights, so it is
   fitted again once they are ready): code that is too wide shrinks down to FLOOR px, then
   wraps; if the slide is still too tall, its figures give up height, then its code shrinks
   down to FLOOR. section.dataset.fit says "ok" or "overflow": the build's fit check
   (coursekit/publish/deck_check.py) reads real element boxes to decide. */
(function () {
    "use strict";
    var FLOOR = 16;        // smallest code font, in slide px (= screen px at 1280×720)
    var COMFORT = 320;     // figures shrink to this height before code shrinks (slide px)
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

    function setUpTimer(box) {
        var button = box.querySelector(".ck-timer-button");
        var clock = box.querySelector(".ck-timer-clock");
        var left = Number(box.dataset.minutes) * 60;
        var ticking = null;
        button.addEventListener("click", function (event) {
            event.stopPropagation();
            if (ticking) {
                window.clearInterval(ticking);
                ticking = null;
                button.firstChild.textContent = "Resume ";
                return;
            }
            button.firstChild.textContent = "Pause ";
            ticking = window.setInterval(function () {
                left = Math.max(0, left - 1);
                clock.textContent = formatClock(left);
                if (!left) {
                    window.clearInterval(ticking);
                    ticking = null;
                    box.classList.add("ck-timer-done");
                    button.firstChild.textContent = "Time is up ";
                }
            }, 1000);
        });
    }

    var revealReady = new Promise(function (resolve) {
        Reveal.on("ready", resolve);
    });

    window.coursekitDeck = {
        fit: fit,
        /* resolves once reveal.js, the fonts and MathJax are done: layout is final */
        ready: revealReady.then(function () {
            return document.fonts.ready;
        }).then(mathTypeset).then(function () {
            return fit(Reveal.getCurrentSlide());
        })
    };

    Reveal.on("ready", function (event) {
        each(document, ".ck-timer", setUpTimer);
        fit(event.currentSlide);
    });
    Reveal.on("slidechanged", function (event) {
        fit(event.currentSlide);
    });
    ["fragmentshown", "fragmenthidden"].forEach(function (name) {
        Reveal.on(name, function () {
            fit(Reveal.getCurrentSlide());
        });
    });
}());
