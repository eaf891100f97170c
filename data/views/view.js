// idkr-kg network view. Every text from the graph reaches the page through textContent,
// DOM properties or vis-network's plain-text tooltips, never as HTML.
(function () {
  "use strict";
  var timing = { start: performance.now() };
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  timing.parsed = performance.now();
  var style = data.style;
  var articles = data.articles; // [headline, date, url, publisher]
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("kg-network");
  timing.datasets = performance.now();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  timing.network = performance.now();
  var state = { ready: false, hidden: { type: {}, country: {}, year: {} } };
  window.kgView = { network: network, nodes: nodes, edges: edges, state: state, timing: timing };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function safeUrl(u) {
    try {
      var url = new URL(u);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (err) {
      return null;
    }
  }

  // ---------------------------------------------------------------- header
  var summary = data.nodes.length + " entities, " + data.edges.length + " links";
  document.getElementById("kg-summary").textContent = summary;
  if (data.message) {
    var msg = document.getElementById("kg-message");
    msg.textContent = data.message;
    msg.hidden = false;
  }

  // ---------------------------------------------------------------- legend and filters
  function countBy(items, key) {
    var out = {};
    items.forEach(function (it) {
      var vals = Array.isArray(it[key]) ? it[key] : [it[key]];
      vals.forEach(function (v) { out[v] = (out[v] || 0) + 1; });
    });
    return out;
  }

  function addFilter(boxId, kind, counts, swatch) {
    var box = document.getElementById(boxId);
    Object.keys(counts).sort().forEach(function (key) {
      var label = el("label");
      var cb = el("input");
      cb.type = "checkbox";
      cb.checked = true;
      cb.value = key;
      cb.dataset.kind = kind;
      cb.addEventListener("change", function () {
        state.hidden[kind][key] = !cb.checked;
        applyFilters();
      });
      label.appendChild(cb);
      if (swatch) label.appendChild(swatch(key));
      label.appendChild(el("span", nameOf(kind, key)));
      label.appendChild(el("span", counts[key], "kg-count"));
      box.appendChild(label);
    });
  }

  function nameOf(kind, key) {
    if (kind === "type") return (style.types[key] || style.other).name;
    if (kind === "country") return key ? (style.countries[key] || { name: key }).name : style.otherCountry.name;
    return key || "undated";
  }

  addFilter("kg-filter-types", "type", countBy(data.nodes, "kgType"), function (t) {
    var s = el("span", null, "kg-swatch");
    s.style.background = (style.types[t] || style.other).color;
    return s;
  });
  addFilter("kg-filter-countries", "country", countBy(data.nodes, "kgCountry"), function (c) {
    var s = el("span", null, "kg-swatch kg-country");
    s.style.borderColor = (style.countries[c] || style.otherCountry).color;
    return s;
  });
  addFilter("kg-filter-years", "year", countBy(data.edges, "kgYears"), null);

  function applyFilters() {
    var h = state.hidden;
    nodes.update(data.nodes.map(function (n) {
      return { id: n.id, hidden: !!(h.type[n.kgType] || h.country[n.kgCountry]) };
    }));
    edges.update(data.edges.map(function (e) {
      var years = e.kgYears.length ? e.kgYears : [""];
      return { id: e.id, hidden: years.every(function (y) { return h.year[y]; }) };
    }));
  }

  // ---------------------------------------------------------------- search
  var byName = {};
  var names = document.getElementById("kg-names");
  data.nodes.forEach(function (n) {
    [n.label].concat(n.kgAliases || []).forEach(function (name) {
      var k = String(name).toLowerCase();
      if (!(k in byName)) byName[k] = n.id;
    });
    var opt = el("option");
    opt.value = n.label;
    names.appendChild(opt);
  });

  function findNode(text) {
    var q = text.trim().toLowerCase();
    if (!q) return null;
    if (q in byName) return byName[q];
    var keys = Object.keys(byName);
    for (var i = 0; i < keys.length; i++) {
      if (keys[i].indexOf(q) !== -1) return byName[keys[i]];
    }
    return null;
  }

  function focusNode(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showNode(id);
  }
  window.kgView.focusNode = focusNode;

  var search = document.getElementById("kg-search");
  var status = document.getElementById("kg-search-status");
  function runSearch() {
    var id = findNode(search.value);
    if (id === null) {
      status.textContent = search.value.trim() ? "no entity matches" : "";
      return;
    }
    status.textContent = "";
    var n = nodes.get(id);
    if (n && n.hidden) status.textContent = "hidden by a filter";
    focusNode(id);
  }
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") runSearch(); });
  search.addEventListener("input", function (ev) {
    // picking a name from the suggestion list
    if (ev.inputType === "insertReplacementText") runSearch();
  });

  // ---------------------------------------------------------------- side panel
  var panel = document.getElementById("kg-panel");

  function sourcesBlock(list) {
    // list: [{article, sentence, confidence, relation}] grouped by article
    var groups = {};
    var order = [];
    list.forEach(function (ev) {
      if (!(ev.article in groups)) { groups[ev.article] = []; order.push(ev.article); }
      groups[ev.article].push(ev);
    });
    order.sort(function (a, b) { return String(articles[a][1]).localeCompare(String(articles[b][1])); });
    var frag = document.createDocumentFragment();
    frag.appendChild(el("h3", "Sources (" + order.length + ")"));
    order.forEach(function (idx) {
      var art = articles[idx];
      var box = el("div", null, "kg-source");
      var url = safeUrl(art[2]);
      var head = el(url ? "a" : "div", art[0] || "(no headline)", "kg-headline");
      if (url) { head.href = url; head.target = "_blank"; head.rel = "noopener noreferrer"; }
      box.appendChild(head);
      box.appendChild(el("div", [art[1], art[3]].filter(Boolean).join(" · "), "kg-meta"));
      var seen = {};
      groups[idx].forEach(function (ev) {
        var key = ev.sentence + "\u0000" + ev.relation;
        if (seen[key]) return;
        seen[key] = true;
        box.appendChild(el("div", ev.relation + " · confidence " + ev.confidence, "kg-rel"));
        if (ev.sentence) box.appendChild(el("blockquote", ev.sentence));
      });
      frag.appendChild(box);
    });
    return frag;
  }

  function edgeEvidence(e) {
    var rel = nodes.get(e.from).label + " — " + e.kgLabel + " — " + nodes.get(e.to).label;
    return e.kgEvidence.map(function (x) {
      return { article: x[0], sentence: x[1], confidence: x[2], relation: rel };
    });
  }

  function showNode(id) {
    var n = nodes.get(id);
    if (!n) return;
    panel.replaceChildren();
    panel.appendChild(el("h2", n.label));
    var kind = nameOf("type", n.kgType);
    var meta = [kind, n.kgCountry ? nameOf("country", n.kgCountry) : ""].filter(Boolean).join(" · ");
    if (n.kgDate) meta += " · " + n.kgDate;
    panel.appendChild(el("div", meta, "kg-meta"));
    if (n.kgPosts && n.kgPosts.length) {
      panel.appendChild(el("h3", "Posts"));
      var ul = el("ul");
      n.kgPosts.forEach(function (p) { ul.appendChild(el("li", p)); });
      panel.appendChild(ul);
    }
    if (n.kgAliases && n.kgAliases.length) {
      panel.appendChild(el("h3", "Also called"));
      panel.appendChild(el("div", n.kgAliases.slice(0, 15).join(" · ")));
    }
    var linked = network.getConnectedEdges(id).map(function (eid) { return edges.get(eid); });
    panel.appendChild(el("h3", "Links (" + linked.length + ")"));
    var links = el("ul");
    linked.forEach(function (e) {
      var other = nodes.get(e.from === id ? e.to : e.from);
      var text = (e.from === id ? "" : "← ") + e.kgLabel + " — " + other.label + " (" + e.kgWeight + ")";
      links.appendChild(el("li", text));
    });
    panel.appendChild(links);
    var evs = [];
    linked.forEach(function (e) { evs = evs.concat(edgeEvidence(e)); });
    panel.appendChild(sourcesBlock(evs));
    panel.scrollTop = 0;
  }

  function showEdge(id) {
    var e = edges.get(id);
    if (!e) return;
    panel.replaceChildren();
    panel.appendChild(el("h2", nodes.get(e.from).label + " — " + e.kgLabel + " — " + nodes.get(e.to).label));
    panel.appendChild(el("div", e.kgWeight + " article(s) · highest confidence " + e.kgConf, "kg-meta"));
    panel.appendChild(sourcesBlock(edgeEvidence(e)));
    panel.scrollTop = 0;
  }
  window.kgView.showNode = showNode;

  network.on("click", function (params) {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
  });

  // ---------------------------------------------------------------- edge labels on hover
  network.on("hoverEdge", function (params) {
    var e = edges.get(params.edge);
    if (e) edges.update({ id: e.id, label: e.kgLabel });
  });
  network.on("blurEdge", function (params) {
    edges.update({ id: params.edge, label: " " });
  });

  // ---------------------------------------------------------------- ready
  function markReady() {
    if (state.ready) return;
    state.ready = true;
    timing.ready = performance.now();
    document.body.dataset.ready = "1";
    var focus = data.nodes.filter(function (n) { return n.kgFocus; }).map(function (n) { return n.id; });
    if (focus.length === 1) network.selectNodes(focus);
  }
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
  }
})();
