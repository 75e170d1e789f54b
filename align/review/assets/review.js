"use strict";
/* align review page: everything runs here, offline. Lists are virtualised (only the rows on
   screen exist in the DOM), so 50 000 sentences stay responsive. Edits are kept per document
   in localStorage and turned into gold TSVs on "Download gold". */
(function () {
  const DOC = JSON.parse(document.getElementById("review-data").textContent);
  const FATES = [
    ["paired", "✓", "paired"], ["low_score", "↓", "low score"],
    ["untranslated", "∅", "untranslated"], ["duplicate", "×2", "duplicate"],
    ["boilerplate", "▤", "boilerplate"], ["neutral", "#", "neutral"],
    ["other_language", "?", "other language"], ["damaged", "�", "damaged"], ["unreadable", "⊘", "unreadable"],
  ];
  const FATE = Object.fromEntries(FATES.map(f => [f[0], f]));
  const GOLD_LEFT = new Set(["untranslated", "low_score"]);
  const SET_ASIDE = new Set(["duplicate", "boilerplate", "neutral", "other_language", "damaged", "unreadable"]);
  const STORE_KEY = "align-review:" + DOC.id;
  const $ = id => document.getElementById(id);
  const esc = s => String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));
  const fmt = x => x == null ? "—" : x.toFixed(3);

  /* ---- state ------------------------------------------------------------------------------ */
  const pages = DOC.pages.map(pg => ({
    name: pg.name,
    units: pg.units,                       // [lang, original fate, text]
    origPaired: new Uint8Array(pg.units.length),
    pairs: pg.pairs.map(([vi, en, score]) => ({vi, en, score, status: "auto"})),
    unitPair: null,                        // unit -> its active pair, or null
    stats: null,
  }));
  for (const pg of pages) for (const pr of pg.pairs) for (const u of pr.vi.concat(pr.en)) pg.origPaired[u] = 1;
  const ui = {
    view: "pairs", page: -1, fates: new Set(FATES.map(f => f[0])), min: null, max: null,
    lowFirst: false, cursor: 0, sel: null, hover: null, picked: [], pairRefs: [], unitRefs: [],
  };
  let scoreLo = Infinity, scoreHi = -Infinity;
  for (const pg of pages) for (const pr of pg.pairs) if (pr.score != null) {
    scoreLo = Math.min(scoreLo, pr.score); scoreHi = Math.max(scoreHi, pr.score);
  }
  if (!(scoreHi > scoreLo)) { scoreLo = (isFinite(scoreLo) ? scoreLo : 0) - 1; scoreHi = scoreLo + 2; }

  const active = pr => pr.status !== "rejected";
  const isLow = pr => DOC.min_score != null && pr.status === "auto" && pr.score != null && pr.score < DOC.min_score;

  function index(pg) {
    pg.unitPair = new Array(pg.units.length).fill(null);
    for (const pr of pg.pairs) if (active(pr)) for (const u of pr.vi.concat(pr.en)) pg.unitPair[u] = pr;
    const byFate = {};
    let paired = 0, content = 0, left = 0;
    for (let u = 0; u < pg.units.length; u++) {
      const f = fate(pg, u);
      byFate[f] = (byFate[f] || 0) + 1;
      if (f === "paired" && pg.unitPair[u]) paired++;
      else left++;
      if (!SET_ASIDE.has(f) && (pg.units[u][0] === "vi" || pg.units[u][0] === "en")) content++;
    }
    const nPairs = pg.pairs.filter(pr => active(pr) && !isLow(pr)).length;
    pg.stats = {byFate, paired, content, left, pairs: nPairs};
  }
  function fate(pg, u) {
    const pr = pg.unitPair[u];
    if (pr) return isLow(pr) ? "low_score" : "paired";
    const orig = pg.units[u][1];
    if (pg.origPaired[u] || orig === "paired") return "untranslated";
    return orig;
  }
  /* a unit changed by the reviewer: in a pair the aligner did not make, or taken out of one */
  const edited = (pg, u) => pg.unitPair[u] ? pg.unitPair[u].status !== "auto" : pg.origPaired[u] === 1;

  /* ---- saved edits ------------------------------------------------------------------------ */
  let saved = {};
  try { saved = JSON.parse(localStorage.getItem(STORE_KEY) || "{}") || {}; } catch (e) { saved = {}; }
  for (const [p, prs] of Object.entries(saved)) {
    const pg = pages[+p];
    if (pg) pg.pairs = prs.map(([vi, en, score, status]) => ({vi, en, score, status}));
  }
  pages.forEach(index);
  function save(p) {
    const pg = pages[p];
    saved[p] = pg.pairs.map(pr => [pr.vi, pr.en, pr.score, pr.status]);
    try { localStorage.setItem(STORE_KEY, JSON.stringify(saved)); }
    catch (e) { say("edits could not be saved in this browser (" + e.name + ")"); }
  }
  function say(msg) { $("status").textContent = msg; }

  /* ---- edits ------------------------------------------------------------------------------ */
  function changed(p) { index(pages[p]); save(p); refresh(); }
  function detach(pg, units) {
    /* take units out of their active pairs; a pair left one-sided is dissolved */
    const gone = new Set(units);
    const out = [];
    for (const pr of pg.pairs) {
      if (!active(pr) || !pr.vi.concat(pr.en).some(u => gone.has(u))) { out.push(pr); continue; }
      const vi = pr.vi.filter(u => !gone.has(u)), en = pr.en.filter(u => !gone.has(u));
      if (vi.length && en.length) out.push({vi, en, score: null, status: "split"});
    }
    pg.pairs = out;
  }
  function accept(p, pr) {
    const pg = pages[p];
    if (pr.status === "rejected") {
      const mine = pr.vi.concat(pr.en);
      detach(pg, mine.filter(u => pg.unitPair[u] && pg.unitPair[u] !== pr));
    }
    pr.status = "accepted"; changed(p); say("pair accepted");
  }
  function reject(p, pr) { pr.status = "rejected"; changed(p); say("pair rejected: its sentences count as untranslated"); }
  function split(p, pr) {
    const pg = pages[p];
    if (!active(pr)) return say("a rejected pair cannot be split");
    const mine = new Set(pr.vi.concat(pr.en));
    const picked = ui.picked.filter(([q, u]) => q === p && mine.has(u)).map(x => x[1]);
    if (picked.length && picked.length < mine.size) {
      detach(pg, picked); ui.picked = [];
    } else {
      if (pr.vi.length + pr.en.length < 3) return say("a 1-1 pair cannot be split; reject it instead");
      const a = Math.ceil(pr.vi.length / 2), b = Math.ceil(pr.en.length / 2);
      const halves = [[pr.vi.slice(0, a), pr.en.slice(0, b)], [pr.vi.slice(a), pr.en.slice(b)]];
      const at = pg.pairs.indexOf(pr);
      pg.pairs.splice(at, 1, ...halves.filter(([v, e]) => v.length && e.length)
        .map(([vi, en]) => ({vi, en, score: null, status: "split"})));
    }
    changed(p); say("bead split");
  }
  function join() {
    const p = ui.picked.length ? ui.picked[0][0] : -1;
    if (p < 0 || ui.picked.some(x => x[0] !== p)) return say("select sentences of one page to join");
    const pg = pages[p];
    const units = ui.picked.map(x => x[1]).sort((a, b) => a - b);
    const vi = units.filter(u => pg.units[u][0] === "vi"), en = units.filter(u => pg.units[u][0] === "en");
    if (!vi.length || !en.length || vi.length + en.length !== units.length)
      return say("join needs at least one " + DOC.labels[0] + " and one " + DOC.labels[1] + " sentence");
    detach(pg, units);
    /* a rejection of these sentences is overtaken by the new pair */
    const mine = new Set(units);
    pg.pairs = pg.pairs.filter(pr => active(pr) || !pr.vi.concat(pr.en).some(u => mine.has(u)));
    pg.pairs.push({vi, en, score: null, status: "joined"});
    pg.pairs.sort((x, y) => Math.min(...x.vi, ...x.en) - Math.min(...y.vi, ...y.en));
    ui.picked = [];
    changed(p); say("joined " + vi.length + "-" + en.length);
  }
  function pick(p, u) {
    const at = ui.picked.findIndex(([q, v]) => q === p && v === u);
    if (at >= 0) ui.picked.splice(at, 1); else ui.picked.push([p, u]);
    $("join").disabled = ui.picked.length < 2;
    draw(); detail();
  }

  /* ---- gold ------------------------------------------------------------------------------- */
  const cell = s => String(s).replace(/[\t\r\n]+/g, " ");
  function gold() {
    const pairs = ["vi\ten\tpage"], left = ["page\tlang\treason\ttext"], beads = [];
    pages.forEach((pg, p) => {
      if (ui.page >= 0 && p !== ui.page) return;
      for (const pr of pg.pairs) {
        if (!active(pr) || isLow(pr)) continue;
        const text = us => us.slice().sort((a, b) => a - b).map(u => pg.units[u][2]).join(" ");
        pairs.push([text(pr.vi), text(pr.en), pg.name].map(cell).join("\t"));
      }
      for (let u = 0; u < pg.units.length; u++) {
        const [lang, , text] = pg.units[u];
        if ((lang === "vi" || lang === "en") && GOLD_LEFT.has(fate(pg, u)))
          left.push([pg.name, lang, "untranslated", text].map(cell).join("\t"));
      }
      if (DOC.mode === "parallel") beads.push(...pageBeads(pg));
    });
    return {pairs: pairs.join("\n") + "\n", leftovers: left.join("\n") + "\n",
            beads: beads.length ? beads.join("\n") + "\n" : null};
  }
  function pageBeads(pg) {
    const off = pg.units.filter(x => x[0] === "vi").length, out = [];
    for (let u = 0; u < pg.units.length; u++) {
      const pr = pg.unitPair[u];
      if (pr && !isLow(pr)) {
        if (u === Math.min(...pr.vi, ...pr.en))
          out.push([Math.min(...pr.vi, ...pr.en.map(x => x - off)), "[" + pr.vi.join(", ") + "]:[" + pr.en.map(x => x - off).join(", ") + "]"]);
      } else if (u < off) out.push([u, "[" + u + "]:[]"]);
      else out.push([u - off, "[]:[" + (u - off) + "]"]);
    }
    return out.sort((a, b) => a[0] - b[0]).map(x => x[1]);
  }
  function stem() {
    const name = ui.page >= 0 ? pages[ui.page].name : pages.length === 1 ? pages[0].name : DOC.title;
    const base = name.replace(/\\/g, "/").split("/").pop().replace(/\.[^.]*$/, "") || "review";
    return base.replace(/[^\w.-]+/g, "_");
  }
  function download(name, text) {
    /* announced first, so a page embedding this one (or a test) can take the file itself */
    document.dispatchEvent(new CustomEvent("align-review-download", {detail: {name, text}}));
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], {type: "text/tab-separated-values;charset=utf-8"}));
    a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  }
  function downloadGold() {
    const g = gold(), s = stem();
    download(s + ".pairs.tsv", g.pairs);
    setTimeout(() => download(s + ".leftovers.tsv", g.leftovers), 150);
    if (g.beads) setTimeout(() => download(s + ".beads", g.beads), 300);
    say("gold written: " + s + ".pairs.tsv, " + s + ".leftovers.tsv" + (g.beads ? ", " + s + ".beads" : ""));
  }

  /* ---- virtual list ----------------------------------------------------------------------- */
  class VList {
    constructor(el, heightVar, render) {
      this.el = el; this.render = render; this.items = [];
      this.spacer = document.createElement("div"); this.spacer.className = "spacer";
      el.appendChild(this.spacer);
      /* fixed row heights (CSS variables) are what lets the list place rows without measuring */
      this.h = parseFloat(getComputedStyle(document.documentElement).getPropertyValue(heightVar)) || 30;
      el.addEventListener("scroll", () => this.draw(), {passive: true});
    }
    set(items) { this.items = items; this.spacer.style.height = items.length * this.h + "px"; this.draw(); }
    draw() {
      if (this.el.offsetParent === null) return;
      const top = this.el.scrollTop, height = this.el.clientHeight || 600;
      const a = Math.max(0, Math.floor(top / this.h) - 4);
      const b = Math.min(this.items.length, Math.ceil((top + height) / this.h) + 4);
      let html = "";
      for (let i = a; i < b; i++) html += this.render(this.items[i], i, i * this.h);
      this.spacer.innerHTML = html;
    }
    show(i) {
      const top = i * this.h, el = this.el;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + this.h > el.scrollTop + el.clientHeight) el.scrollTop = top + this.h - el.clientHeight;
      this.draw();
    }
  }
  const badge = f => { const [k, icon, label] = FATE[f] || [f, "•", f]; return `<span class="badge fate-${k}">${icon} ${esc(label)}</span>`; };
  function partners(p, u) {
    const pr = pages[p].unitPair[u];
    return pr ? new Set(pr.vi.concat(pr.en).filter(x => x !== u)) : new Set();
  }
  function renderPair([p, pr], i, top) {
    const pg = pages[p];
    const text = us => esc(us.map(u => pg.units[u][2]).join(" "));
    const w = pr.score == null ? 0 : Math.max(2, Math.min(100, 100 * (pr.score - scoreLo) / (scoreHi - scoreLo)));
    const cls = ["row", "pair", "pair-grid", pr.status, isLow(pr) ? "low" : "", i === ui.cursor ? "current" : ""].join(" ");
    const state = {auto: "", accepted: "✓ accepted", rejected: "✗ rejected", joined: "＋ joined", split: "✂ split"}[pr.status];
    return `<div class="${cls}" style="top:${top}px" data-i="${i}" data-page="${p}">` +
      `<span class="idx" title="page ${p + 1}, pair ${pg.pairs.indexOf(pr) + 1}: ${esc(pg.name)}">${p + 1}·${pg.pairs.indexOf(pr) + 1}</span>` +
      `<div class="vi clamp2" lang="${esc(DOC.mode === "mixed" ? "vi" : "")}" title="${text(pr.vi)}">${text(pr.vi)}</div>` +
      `<div class="en clamp2" title="${text(pr.en)}">${text(pr.en)}</div>` +
      `<div class="score" title="score ${fmt(pr.score)}${isLow(pr) ? " (low)" : ""}"><span class="bar" style="width:${w}%"></span><span class="num">${isLow(pr) ? "↓ " : ""}${fmt(pr.score)}</span></div>` +
      `<span class="bead">${pr.vi.length}-${pr.en.length}</span>` +
      `<span class="acts"><button data-act="accept" title="accept (a)" aria-label="accept">✓</button>` +
      `<button data-act="reject" title="reject (r)" aria-label="reject">✗</button>` +
      `<button data-act="split" title="split the bead (s)" aria-label="split">✂</button>` +
      `<span class="state">${state}</span></span></div>`;
  }
  function renderUnit([p, u], i, top) {
    if (u < 0) return `<div class="row page-head" style="top:${top}px">▸ ${esc(pages[p].name)}</div>`;
    const pg = pages[p], [lang, , text] = pg.units[u], f = fate(pg, u);
    const sel = ui.sel && ui.sel[0] === p;
    const cls = ["row", "unit", "fate-row-" + f, SET_ASIDE.has(f) ? "set-aside" : "", edited(pg, u) ? "edited" : "",
      sel && ui.sel[1] === u ? "selected" : "", sel && ui.selPartners.has(u) ? "partner" : "",
      ui.hover && ui.hover[0] === p && ui.hoverPartners.has(u) ? "hover-partner" : "",
      ui.picked.some(([q, v]) => q === p && v === u) ? "picked" : ""].join(" ");
    const pr = pg.unitPair[u];
    const link = pr ? `pair ${pg.pairs.indexOf(pr) + 1} · ${pr.vi.length}-${pr.en.length}` : "";
    return `<div class="${cls}" style="top:${top}px" data-i="${i}" data-page="${p}" data-unit="${u}" data-fate="${f}">` +
      `${badge(f)}<span class="lang">${esc(lang)}</span><span class="text ellipsis" title="${esc(text)}">${esc(text)}</span>` +
      `<span class="link muted">${link}</span></div>`;
  }
  function renderSummary(p, i, top) {
    const pg = pages[p], s = pg.stats;
    const parts = Object.entries(s.byFate).filter(([f]) => f !== "paired").map(([f, n]) => `${FATE[f] ? FATE[f][1] : ""} ${esc(f.replace("_", " "))} ${n}`);
    const share = s.content ? s.paired / s.content : 0;
    return `<div class="row summary summary-grid" style="top:${top}px" data-page="${p}">` +
      `<span class="ellipsis" title="${esc(pg.name)}">${esc(pg.name)}</span><span>${s.pairs}</span>` +
      `<span class="ellipsis muted">${parts.join(" · ") || "none"}</span>` +
      `<div class="share"><span class="bar" style="width:${(100 * share).toFixed(1)}%"></span><span class="num">${(100 * share).toFixed(0)} % of ${s.content}</span></div></div>`;
  }
  const lists = {
    pairs: new VList($("pairs-list"), "--row-pair", renderPair),
    page: new VList($("units-list"), "--row-unit", renderUnit),
    summary: new VList($("summary-list"), "--row-summary", renderSummary),
  };

  /* ---- building the lists ----------------------------------------------------------------- */
  const inRange = s => s == null || ((ui.min == null || s >= ui.min) && (ui.max == null || s <= ui.max));
  const shownPages = () => ui.page >= 0 ? [ui.page] : pages.map((_, p) => p);
  function build() {
    const prs = [], units = [];
    for (const p of shownPages()) {
      const pg = pages[p];
      for (const pr of pg.pairs) {
        const f = active(pr) ? (isLow(pr) ? "low_score" : "paired") : "untranslated";
        if ((ui.fates.has(f) || (!active(pr) && ui.fates.has("paired"))) && inRange(pr.score)) prs.push([p, pr]);
      }
      if (ui.page < 0) units.push([p, -1]);
      for (let u = 0; u < pg.units.length; u++) {
        const f = fate(pg, u), pr = pg.unitPair[u];
        if (ui.fates.has(f) && (!pr || inRange(pr.score))) units.push([p, u]);
      }
    }
    if (ui.lowFirst) prs.sort((a, b) => (a[1].score ?? Infinity) - (b[1].score ?? Infinity));
    ui.pairRefs = prs; ui.unitRefs = units;
  }
  function counts() {
    let pairs = 0, left = 0, units = 0;
    const byFate = {};
    for (const p of shownPages()) {
      const s = pages[p].stats;
      pairs += s.pairs; left += s.left; units += pages[p].units.length;
      for (const [f, n] of Object.entries(s.byFate)) byFate[f] = (byFate[f] || 0) + n;
    }
    const n = shownPages().length;
    $("counts").innerHTML = `<b data-count="pages">${n}</b> page${n === 1 ? "" : "s"} · <b data-count="pairs">${pairs}</b> pairs · ` +
      `<b data-count="leftovers">${left}</b> sentences or blocks left over · <b data-count="units">${units}</b> in all`;
    for (const el of document.querySelectorAll("#legend [data-fate-count]")) el.textContent = byFate[el.dataset.fateCount] || 0;
  }
  function refresh() {
    const keep = ui.pairRefs[ui.cursor] && ui.pairRefs[ui.cursor][1];
    build(); counts();
    if (keep) { const at = ui.pairRefs.findIndex(r => r[1] === keep); if (at >= 0) ui.cursor = at; }
    ui.cursor = Math.max(0, Math.min(ui.cursor, ui.pairRefs.length - 1));
    selPartners();
    lists.pairs.set(ui.pairRefs); lists.page.set(ui.unitRefs);
    lists.summary.set(shownPages());
    detail();
  }
  function selPartners() {
    ui.selPartners = ui.sel ? partners(...ui.sel) : new Set();
    ui.hoverPartners = ui.hover ? partners(...ui.hover) : new Set();
  }
  function draw() { selPartners(); lists[ui.view].draw(); }

  /* ---- detail panel ----------------------------------------------------------------------- */
  function detail() {
    const d = $("detail");
    let html = "";
    if (ui.view === "page" && ui.sel) {
      const [p, u] = ui.sel, pg = pages[p], f = fate(pg, u);
      html += `<h2>Selected</h2><div>${badge(f)} <span class="lang">${esc(pg.units[u][0])}</span> <span class="muted">${esc(pg.name)}</span></div><p class="text" data-testid="selected-text">${esc(pg.units[u][2])}</p>`;
      const pr = pg.unitPair[u];
      if (pr) {
        html += `<h2>Partner${ui.selPartners.size > 1 ? "s" : ""} (${pr.vi.length}-${pr.en.length}, score ${fmt(pr.score)})</h2>`;
        for (const v of ui.selPartners) html += `<p class="text partner-text">${esc(pg.units[v][2])}</p>`;
      }
    } else if (ui.view === "pairs" && ui.pairRefs[ui.cursor]) {
      const [p, pr] = ui.pairRefs[ui.cursor], pg = pages[p];
      html += `<h2>Pair ${pr.vi.length}-${pr.en.length} · score ${fmt(pr.score)} · ${esc(pr.status)}</h2><div class="muted">${esc(pg.name)}</div>`;
      for (const u of pr.vi) html += `<p class="text" lang="vi">${esc(pg.units[u][2])}</p>`;
      html += "<hr>";
      for (const u of pr.en) html += `<p class="text">${esc(pg.units[u][2])}</p>`;
    }
    if (ui.picked.length) {
      html += `<h2>Selected for joining (${ui.picked.length})</h2>`;
      for (const [p, u] of ui.picked) html += `<p class="text">${esc(pages[p].units[u][0])}: ${esc(pages[p].units[u][2])}</p>`;
    }
    d.innerHTML = html || `<p class="muted">Select a pair or a sentence to see it in full.</p>`;
  }

  /* ---- controls --------------------------------------------------------------------------- */
  function setView(v) {
    ui.view = v;
    for (const b of document.querySelectorAll("#tabs button")) b.setAttribute("aria-selected", String(b.dataset.view === v));
    for (const k of Object.keys(lists)) $("view-" + k).hidden = k !== v;
    lists[v].draw(); detail();
  }
  function move(step) {
    if (ui.view === "pairs") {
      if (!ui.pairRefs.length) return;
      ui.cursor = Math.max(0, Math.min(ui.pairRefs.length - 1, ui.cursor + step));
      lists.pairs.show(ui.cursor); detail();
    } else if (ui.view === "page") {
      /* next/previous pair in page order: the first sentence of the next pair */
      const refs = ui.unitRefs;
      let i = ui.sel ? refs.findIndex(([p, u]) => p === ui.sel[0] && u === ui.sel[1]) : -1;
      const first = ([p, u]) => { if (u < 0) return false; const pr = pages[p].unitPair[u]; return pr && Math.min(...pr.vi, ...pr.en) === u; };
      for (i += step; i >= 0 && i < refs.length; i += step) if (first(refs[i])) break;
      if (i < 0 || i >= refs.length) return;
      ui.sel = refs[i]; selPartners(); lists.page.show(i); detail();
    }
  }
  function currentPair() {
    if (ui.view === "pairs") return ui.pairRefs[ui.cursor] || null;
    if (ui.sel) { const pr = pages[ui.sel[0]].unitPair[ui.sel[1]]; return pr ? [ui.sel[0], pr] : null; }
    return null;
  }
  function act(name, ref) {
    if (!ref) return say("no pair selected");
    ({accept, reject, split})[name](ref[0], ref[1]);
  }

  $("title").textContent = DOC.title;
  $("label-vi").textContent = DOC.labels[0]; $("label-en").textContent = DOC.labels[1];
  const sel = $("page-filter");
  sel.innerHTML = `<option value="-1">all pages (${pages.length})</option>` + pages.map((pg, p) => `<option value="${p}">${esc(pg.name)}</option>`).join("");
  sel.addEventListener("change", () => { ui.page = +sel.value; ui.cursor = 0; ui.sel = null; refresh(); });
  $("legend").insertAdjacentHTML("beforeend", FATES.map(([k]) =>
    `<label><input type="checkbox" checked data-fate="${k}">${badge(k).replace("</span>", ` <span data-fate-count="${k}">0</span></span>`)}</label>`).join(""));
  $("legend").addEventListener("change", e => {
    const k = e.target.dataset.fate; if (!k) return;
    if (e.target.checked) ui.fates.add(k); else ui.fates.delete(k);
    refresh();
  });
  const num = el => el.value === "" || isNaN(+el.value) ? null : +el.value;
  for (const id of ["score-min", "score-max"]) $(id).addEventListener("input", () => { ui.min = num($("score-min")); ui.max = num($("score-max")); refresh(); });
  $("low-first").addEventListener("change", e => {
    ui.lowFirst = e.target.checked; refresh();
    ui.cursor = 0; lists.pairs.el.scrollTop = 0; lists.pairs.draw(); detail();
  });
  $("join").addEventListener("click", join);
  $("download").addEventListener("click", downloadGold);
  $("reset").addEventListener("click", () => {
    if (!confirm("Discard every edit made to this review?")) return;
    try { localStorage.removeItem(STORE_KEY); } catch (e) { /* nothing saved */ }
    location.reload();
  });
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => setView(b.dataset.view));

  $("pairs-list").addEventListener("click", e => {
    const row = e.target.closest(".row"); if (!row) return;
    ui.cursor = +row.dataset.i;
    const btn = e.target.closest("button[data-act]");
    if (btn) act(btn.dataset.act, ui.pairRefs[ui.cursor]); else { lists.pairs.draw(); detail(); }
  });
  $("units-list").addEventListener("click", e => {
    const row = e.target.closest(".row.unit"); if (!row) return;
    const ref = [+row.dataset.page, +row.dataset.unit];
    if (e.ctrlKey || e.metaKey || e.shiftKey) return pick(...ref);
    ui.sel = ref; draw(); detail();
  });
  $("units-list").addEventListener("mouseover", e => {
    const row = e.target.closest(".row.unit");
    const ref = row ? [+row.dataset.page, +row.dataset.unit] : null;
    if (String(ref) === String(ui.hover)) return;
    ui.hover = ref; draw();
  });
  $("units-list").addEventListener("mouseleave", () => { ui.hover = null; draw(); });
  $("summary-list").addEventListener("click", e => {
    const row = e.target.closest(".row"); if (!row) return;
    sel.value = row.dataset.page; ui.page = +row.dataset.page; ui.sel = null; refresh(); setView("page");
  });
  document.addEventListener("keydown", e => {
    if (e.target.closest("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
    const k = e.key;
    if (k === "n" || k === "ArrowDown") move(1);
    else if (k === "p" || k === "ArrowUp") move(-1);
    else if (k === "a" || k === "r" || k === "s") act({a: "accept", r: "reject", s: "split"}[k], currentPair());
    else if (k === "j") join();
    else if (k === "x" && ui.view === "page" && ui.sel) pick(...ui.sel);
    else if (k === "l") { $("low-first").click(); }
    else if (k === "1" || k === "2" || k === "3") setView(["pairs", "page", "summary"][+k - 1]);
    else return;
    e.preventDefault();
  });
  window.addEventListener("resize", () => lists[ui.view].draw());
  refresh();
  document.body.dataset.ready = "1";
})();
