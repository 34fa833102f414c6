/* SAVE IT: the assessment player of an exported module (scored here, reported via SCORM 1.2).
 * It has no sentence of its own: every text comes from the package data, translated at export
 * (data.text: templates with %(name)s placeholders; data.counted: texts with their plural). */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("saveit-data").textContent);
  var rules = data.assessment;
  var counted = data.counted;
  var zone = document.getElementById("evaluation-zone");
  var announcer = document.getElementById("annonce");
  var startedAt = Date.now();
  var lms = window.SaveitScorm.connect();
  var state = { attempt: 0, drawn: [], passed: false, done: false, timer: null, deadline: 0 };
  var alreadyPassed = false;
  /* What survives a launch, in cmi.suspend_data (4096 characters in SCORM 1.2): attempts used,
   * and the open attempt (drawn item indexes and display orders, answers, deadline). */
  var saved = { v: 1, a: 0, o: null };
  var commitTimer = null;

  /* ---------- small helpers ---------- */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "hidden" || name === "disabled") node[name] = Boolean(attrs[name]);
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }
  function shuffle(list) {
    for (var i = list.length - 1; i > 0; i -= 1) {
      var j = Math.floor(Math.random() * (i + 1));
      var swap = list[i];
      list[i] = list[j];
      list[j] = swap;
    }
    return list;
  }
  function range(n) {
    var out = [];
    for (var i = 0; i < n; i += 1) out.push(i);
    return out;
  }
  function sameList(a, b) {
    return a.length === b.length && a.every(function (v, i) { return v === b[i]; });
  }
  function announce(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }
  /* The sentence `key` with its %(name)s placeholders filled from `values`; %% is a percent sign. */
  function t(key, values) {
    return String(data.text[key]).replace(/%\((\w+)\)s|%%/g, function (match, name) {
      return name ? String(values[name]) : "%";
    });
  }
  /* "12,5", "1 200", "-3.75" -> "12.5", "1200", "-3.75"; anything else -> null. */
  function parseNumber(text) {
    var clean = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(clean) ? clean : null;
  }
  function saveState() {
    if (!lms.connected) return;
    lms.set("cmi.suspend_data", JSON.stringify(saved));
    window.clearTimeout(commitTimer);
    commitTimer = window.setTimeout(function () { lms.commit(); }, 1500);
  }
  function readSaved() {
    try {
      var value = JSON.parse(lms.get("cmi.suspend_data") || "null");
      if (value && value.v === 1) return value;
    } catch (error) { /* not ours, or damaged: start afresh */ }
    return null;
  }

  /* ---------- drawing and rendering questions ---------- */
  function draw() {
    var pool = data.items.slice();
    if (rules.randomise) shuffle(pool);
    var count = Math.min(Math.max(1, rules.items_per_attempt || pool.length), pool.length);
    return SaveitScorm.pickByFamily(pool, count).map(function (item) {
      var order = range(item.choices.length);
      if (rules.randomise && item.kind !== "true_false" && item.kind !== "numeric") shuffle(order);
      if (item.kind === "ordering") {
        while (order.length > 1 && isRight(item, order)) shuffle(order); // never shown solved
      }
      return { item: item, order: order };
    });
  }

  function choiceQuestion(entry, id) {
    var type = entry.item.kind === "multiple" ? "checkbox" : "radio";
    var box = el("div", { class: "choices" });
    entry.order.forEach(function (index) {
      var inputId = id + "-c" + index;
      box.appendChild(el("div", { class: "choice" }, [
        el("input", { type: type, id: inputId, name: id, value: String(index) }),
        el("label", { for: inputId, text: entry.item.choices[index] }),
      ]));
    });
    return box;
  }

  function orderingQuestion(entry, id) {
    var list = el("ol", { class: "ordering", role: "list", "aria-describedby": id + "-aide" });
    entry.order.forEach(function (index) {
      var text = entry.item.choices[index];
      list.appendChild(el("li", { "data-index": String(index) }, [
        el("span", { class: "step-text", text: text }),
        el("span", { class: "step-actions" }, [
          el("button", { type: "button", class: "move", "data-move": "-1", "aria-label": t("move_up_step", { step: text }) },
            [el("span", { "aria-hidden": "true", text: "\u2191 " }), t("move_up")]),
          el("button", { type: "button", class: "move", "data-move": "1", "aria-label": t("move_down_step", { step: text }) },
            [el("span", { "aria-hidden": "true", text: "\u2193 " }), t("move_down")]),
        ]),
      ]));
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-move]");
      if (button && !button.disabled) moveStep(list, button);
    });
    refreshMoves(list);
    return el("div", {}, [
      el("p", { class: "hint", id: id + "-aide", text: t("ordering_hint") }),
      list,
    ]);
  }

  function refreshMoves(list) {
    var rows = list.children;
    for (var i = 0; i < rows.length; i += 1) {
      rows[i].querySelector("[data-move='-1']").disabled = i === 0;
      rows[i].querySelector("[data-move='1']").disabled = i === rows.length - 1;
    }
  }

  function moveStep(list, button) {
    var row = button.closest("li");
    var up = button.getAttribute("data-move") === "-1";
    var sibling = up ? row.previousElementSibling : row.nextElementSibling;
    if (!sibling) return;
    list.insertBefore(row, up ? sibling : sibling.nextElementSibling);
    refreshMoves(list);
    var focusTarget = button.disabled ? row.querySelector("[data-move='" + (up ? "1" : "-1") + "']") : button;
    focusTarget.focus();
    var position = Array.prototype.indexOf.call(list.children, row) + 1;
    announce(t("step_moved", {
      step: row.querySelector(".step-text").textContent, position: position, total: list.children.length,
    }));
  }

  function numericQuestion(entry, id) {
    var label = entry.item.unit ? t("your_answer_in", { unit: entry.item.unit }) : t("your_answer");
    return el("div", { class: "numeric" }, [
      el("label", { for: id + "-valeur", text: label }),
      el("span", { class: "numeric-field" }, [
        el("input", { type: "text", id: id + "-valeur", name: id, inputmode: "decimal", autocomplete: "off",
          "aria-describedby": id + "-aide" }),
        entry.item.unit ? el("span", { class: "unit", "aria-hidden": "true", text: entry.item.unit }) : null,
      ]),
      el("p", { class: "hint", id: id + "-aide", text: t("number_hint") }),
    ]);
  }

  function renderQuestion(entry, position, total) {
    var id = "q" + position;
    var kind = entry.item.kind;
    var body;
    if (kind === "ordering") body = orderingQuestion(entry, id);
    else if (kind === "numeric") body = numericQuestion(entry, id);
    else body = choiceQuestion(entry, id);
    var legend = el("legend", {}, [
      el("span", { class: "q-number", text: t("question_of", { n: position, total: total }) }),
      el("span", { class: "q-prompt", text: entry.item.prompt }),
    ]);
    var hint = kind === "multiple" ? el("p", { class: "hint", text: t("several_answers") }) : null;
    return el("fieldset", { class: "question", id: id, "data-kind": kind }, [
      legend, hint, body, el("p", { class: "q-error", id: id + "-erreur", hidden: true }),
    ]);
  }

  /* ---------- reading and scoring answers ---------- */
  function readAnswer(entry, fieldset) {
    var kind = entry.item.kind;
    if (kind === "ordering") {
      return Array.prototype.map.call(fieldset.querySelectorAll(".ordering li"), function (li) {
        return Number(li.getAttribute("data-index"));
      });
    }
    if (kind === "numeric") {
      var raw = fieldset.querySelector("input").value.trim();
      return raw === "" ? null : parseNumber(raw);
    }
    var picked = Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (input) {
      return Number(input.value);
    }).sort(function (a, b) { return a - b; });
    return picked.length ? picked : null;
  }

  /* The package holds salted hashes of the right answers, never the answers themselves. */
  function isRight(item, answer) {
    return window.SaveitScorm.isRight(data.salt, item, answer);
  }

  /* What the learner has put so far, per question, to resume it in a later launch. */
  function rawAnswers(form) {
    return Array.prototype.map.call(form.querySelectorAll("fieldset.question"), function (fieldset, i) {
      var kind = state.drawn[i].item.kind;
      if (kind === "numeric") return fieldset.querySelector("input").value;
      if (kind === "ordering") {
        return Array.prototype.map.call(fieldset.querySelectorAll(".ordering li"), function (li) {
          return Number(li.getAttribute("data-index"));
        });
      }
      return Array.prototype.map.call(fieldset.querySelectorAll("input:checked"), function (input) {
        return Number(input.value);
      });
    });
  }

  function restoreAnswers(form, answers) {
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.question"), function (fieldset, i) {
      var given = answers[i];
      var kind = state.drawn[i].item.kind;
      if (given === undefined || given === null) return;
      if (kind === "numeric") {
        fieldset.querySelector("input").value = String(given);
      } else if (kind === "ordering") {
        var list = fieldset.querySelector(".ordering");
        given.forEach(function (index) {
          var row = list.querySelector("li[data-index='" + Number(index) + "']");
          if (row) list.appendChild(row);
        });
        refreshMoves(list);
      } else {
        given.forEach(function (index) {
          var input = fieldset.querySelector("input[value='" + Number(index) + "']");
          if (input) input.checked = true;
        });
      }
    });
  }

  function rememberAnswers() {
    var form = document.getElementById("questionnaire");
    if (!form || !saved.o) return;
    saved.o.r = rawAnswers(form);
    saveState();
  }

  function missingMessage(entry, fieldset) {
    if (entry.item.kind === "numeric" && fieldset.querySelector("input").value.trim() !== "") {
      return t("enter_number");
    }
    return entry.item.kind === "numeric" ? t("enter_answer") : t("choose_answer");
  }

  /* ---------- the assessment flow ---------- */
  function attemptValues() {
    return { n: state.attempt, total: rules.max_attempts };
  }

  function showIntro() {
    zone.textContent = "";
    if (!data.items.length) {
      zone.appendChild(el("p", { text: t("no_assessment") }));
      zone.appendChild(finishButton());
      return;
    }
    if (alreadyPassed) {
      zone.appendChild(el("p", { class: "notice notice-success", text: t("already_passed") }));
    } else if (saved.a >= rules.max_attempts) {
      zone.appendChild(el("p", { class: "notice notice-error", id: "plus-de-tentative", role: "status",
        text: t("no_attempt_left", { total: rules.max_attempts }) }));
      zone.appendChild(finishButton());
      return;
    }
    var start = el("button", { type: "button", class: "btn btn-primary", id: "commencer", text: t("start") });
    start.addEventListener("click", function () { startAttempt(null); });
    zone.appendChild(start);
  }

  function startAttempt(resumed) {
    if (resumed && resumed.d) {
      state.drawn = resumed.d.map(function (entry) { return { item: data.items[entry[0]], order: entry[1] }; });
      state.attempt = saved.a;
      state.deadline = resumed.dl || 0;
    } else {
      if (saved.a >= rules.max_attempts) { showIntro(); return; }
      state.drawn = draw();
      saved.a += 1;
      state.attempt = saved.a;
      state.deadline = rules.time_limit_minutes ? Date.now() + rules.time_limit_minutes * 60000 : 0;
      saved.o = {
        d: state.drawn.map(function (entry) { return [data.items.indexOf(entry.item), entry.order]; }),
        r: [],
        dl: state.deadline,
      };
      saveState();
    }
    zone.textContent = "";
    var form = el("form", { id: "questionnaire", novalidate: "novalidate", "aria-labelledby": "tentative-titre" });
    form.appendChild(el("h3", { id: "tentative-titre", tabindex: "-1", text: t("attempt_of", attemptValues()) }));
    form.appendChild(el("p", { class: "meta", text: counted.rules }));
    if (rules.time_limit_minutes) {
      form.appendChild(el("p", { class: "timer", role: "timer", id: "minuteur" }));
    }
    form.appendChild(el("div", { id: "erreurs", class: "error-summary", role: "alert", tabindex: "-1", hidden: true }));
    state.drawn.forEach(function (entry, i) {
      form.appendChild(renderQuestion(entry, i + 1, state.drawn.length));
    });
    form.appendChild(el("div", { class: "actions" }, [
      el("button", { type: "submit", class: "btn btn-primary", id: "valider", text: t("submit") }),
    ]));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(false);
    });
    form.addEventListener("change", rememberAnswers);
    form.addEventListener("input", rememberAnswers);
    form.addEventListener("click", function (event) {
      if (event.target.closest("button[data-move]")) rememberAnswers();
    });
    zone.appendChild(form);
    if (resumed && resumed.r) restoreAnswers(form, resumed.r);
    if (state.deadline) {
      state.timer = window.setInterval(tick, 1000);
      tick();
    }
    form.querySelector("#tentative-titre").focus();
  }

  function tick() {
    var left = Math.max(0, Math.round((state.deadline - Date.now()) / 1000));
    var timer = document.getElementById("minuteur");
    if (timer) {
      timer.textContent = t("time_left", { minutes: Math.floor(left / 60), seconds: String(left % 60).padStart(2, "0") });
    }
    if (left === 60) announce(t("one_minute_left"));
    if (left === 0) submit(true);
  }

  function submit(timeUp) {
    var form = document.getElementById("questionnaire");
    var fieldsets = form.querySelectorAll("fieldset.question");
    var answers = state.drawn.map(function (entry, i) { return readAnswer(entry, fieldsets[i]); });
    var missing = [];
    state.drawn.forEach(function (entry, i) {
      var error = fieldsets[i].querySelector(".q-error");
      error.hidden = answers[i] !== null || timeUp;
      error.textContent = error.hidden ? "" : missingMessage(entry, fieldsets[i]);
      fieldsets[i].classList.toggle("has-error", !error.hidden);
      if (!error.hidden) missing.push(i + 1);
    });
    var summary = document.getElementById("erreurs");
    if (missing.length) {
      summary.textContent = "";
      summary.appendChild(el("p", { text: t("unanswered") }));
      summary.appendChild(el("ul", {}, missing.map(function (n) {
        var link = el("a", { href: "#q" + n, text: t("question_n", { n: n }) });
        link.addEventListener("click", function (event) {
          event.preventDefault(); // go straight to the first field of the question
          document.getElementById("q" + n).querySelector("input, button").focus();
        });
        return el("li", {}, [link]);
      })));
      summary.hidden = false;
      summary.focus();
      return;
    }
    window.clearInterval(state.timer);
    saved.o = null;
    saveState();
    document.getElementById("reprise").hidden = true; // the resumed attempt is over
    var right = state.drawn.map(function (entry, i) { return isRight(entry.item, answers[i]); });
    var correct = right.filter(Boolean).length;
    var score = Math.floor((100 * correct) / state.drawn.length);
    state.passed = score >= rules.pass_mark;
    report(score);
    showResult(form, right, score, timeUp);
  }

  function report(score) {
    if (alreadyPassed && !state.passed) return; // never downgrade a success recorded earlier
    lms.set("cmi.core.score.min", "0");
    lms.set("cmi.core.score.max", "100");
    lms.set("cmi.core.score.raw", String(score));
    lms.set("cmi.core.lesson_status", state.passed ? "passed" : "failed");
    lms.commit();
  }

  function showResult(form, right, score, timeUp) {
    Array.prototype.forEach.call(form.querySelectorAll("input, button"), function (c) { c.disabled = true; });
    form.querySelector("#tentative-titre").textContent = t("answers_of_attempt", attemptValues());
    var timer = document.getElementById("minuteur");
    if (timer) timer.remove();
    Array.prototype.forEach.call(form.querySelectorAll("fieldset.question"), function (fieldset, i) {
      var feedback = state.drawn[i].item.feedback;
      fieldset.classList.add(right[i] ? "is-right" : "is-wrong");
      fieldset.appendChild(el("div", { class: "q-verdict" }, [
        el("strong", { text: right[i] ? t("correct") : t("incorrect") }),
        feedback ? el("p", { text: feedback }) : null,
      ]));
    });
    var result = el("section", { class: "result " + (state.passed ? "is-passed" : "is-failed"), id: "resultat",
      "aria-labelledby": "resultat-titre" });
    result.appendChild(el("h3", { id: "resultat-titre", tabindex: "-1", text: t("result", { score: score }) }));
    if (timeUp) result.appendChild(el("p", { text: t("time_up") }));
    result.appendChild(el("p", { class: "verdict", text: t(state.passed ? "passed" : "not_passed", { mark: rules.pass_mark }) }));
    var count = right.filter(Boolean).length;
    result.appendChild(el("p", { text: counted.right_answers[count] }));
    var actions = el("div", { class: "actions" });
    if (!state.passed && state.attempt < rules.max_attempts) {
      var retry = el("button", { type: "button", class: "btn btn-secondary", id: "recommencer",
        text: t("retry", { n: state.attempt + 1, total: rules.max_attempts }) });
      retry.addEventListener("click", function () { startAttempt(null); });
      actions.appendChild(retry);
    } else if (!state.passed) {
      result.appendChild(el("p", { text: counted.attempts_used }));
    }
    actions.appendChild(finishButton());
    result.appendChild(actions);
    zone.insertBefore(result, form);
    result.querySelector("h3").focus();
  }

  function finishButton() {
    var button = el("button", { type: "button", class: "btn btn-primary", id: "terminer", text: t("finish") });
    button.addEventListener("click", function () {
      if (!data.items.length) {
        lms.set("cmi.core.lesson_status", "completed");
      }
      finish();
      zone.textContent = "";
      var text = lms.connected ? t("finished_recorded") : t("finished");
      zone.appendChild(el("p", { class: "notice notice-success", id: "fin", role: "status", text: text }));
    });
    return button;
  }

  /* Finished: passed, no attempt left, or nothing to assess and read. Otherwise the LMS is
   * told to keep the learner's place ("suspend"), so the next launch resumes. */
  function isFinished() {
    var status = lms.get("cmi.core.lesson_status");
    return state.passed || alreadyPassed || status === "completed" || saved.a >= rules.max_attempts && !saved.o;
  }

  function finish() {
    if (state.done) return;
    state.done = true;
    window.clearInterval(state.timer);
    window.clearTimeout(commitTimer);
    rememberAnswers();
    var finished = isFinished();
    lms.set("cmi.core.session_time", window.SaveitScorm.formatSessionTime(Date.now() - startedAt));
    lms.set("cmi.core.exit", finished ? "" : "suspend");
    lms.commit();
    lms.finish();
  }

  /* The resume notice, moved to where the learner lands (under the section title). */
  function showResumed(section) {
    var notice = document.getElementById("reprise");
    var title = section.querySelector("h2");
    section.insertBefore(notice, title ? title.nextSibling : section.firstChild);
    notice.hidden = false;
  }

  /* Where the learner is: the section taking the most of the screen, as
   * cmi.core.lesson_location (the id of a section of this page). */
  function trackLocation() {
    if (!lms.connected || !("IntersectionObserver" in window)) return;
    var shown = {};
    var current = lms.get("cmi.core.lesson_location");
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        shown[entry.target.id] = entry.isIntersecting ? entry.intersectionRect.height : 0;
      });
      var best = Object.keys(shown).reduce(function (a, b) { return shown[b] > (shown[a] || 0) ? b : a; }, "");
      if (best && shown[best] > 0 && best !== current && !state.done) {
        current = best;
        lms.set("cmi.core.lesson_location", current);
        saveState();
      }
    }, { threshold: [0, 0.1, 0.25, 0.5, 0.75, 1] });
    Array.prototype.forEach.call(document.querySelectorAll("main > section[id]"), function (section) {
      observer.observe(section);
    });
  }

  /* ---------- start-up ---------- */
  if (lms.connected) {
    var status = lms.get("cmi.core.lesson_status");
    alreadyPassed = status === "passed";
    if (status === "not attempted" || status === "") {
      lms.set("cmi.core.lesson_status", "incomplete");
      lms.commit();
    }
  } else {
    document.getElementById("mode-autonome").hidden = false;
  }
  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
  var resumeFrom = null;
  if (lms.connected) {
    saved = readSaved() || saved; // attempts used count whatever the entry, so the limit holds
    if (lms.get("cmi.core.entry") === "resume") {
      resumeFrom = saved.o;
      var location = lms.get("cmi.core.lesson_location");
      var target = location && /^[\w-]+$/.test(location) ? document.getElementById(location) : null;
      if (target) {
        showResumed(target);
        target.scrollIntoView();
      }
    } else {
      saved.o = null; // a new session: an attempt left open before is not resumed
    }
  }
  if (resumeFrom && resumeFrom.d) {
    showResumed(document.getElementById("evaluation"));
    startAttempt(resumeFrom);
    if (state.deadline && Date.now() >= state.deadline) submit(true);
  } else {
    showIntro();
  }
  window.setTimeout(trackLocation, 300);
})();
