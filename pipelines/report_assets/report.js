// Draws the report's charts as plain SVG from the JSON in #report-data. No libraries, no network.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var STATUS = {
    credited: ["credited", "#2563a8"],
    credits_intermediary: ["credits intermediary", "#8a5cc2"],
    uncredited: ["uncredited", "#d9480f"],
    self: ["agency's own", "#2f8a4b"],
    unknown: ["no status", "#9aa5b1"]
  };
  var PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
                 "#9c755f", "#86bcb6", "#8cd17d", "#d37295"];
  var NO_AGENCY = "#d3d8de";

  function svg(parent, name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  }
  function tip(node, text) { svg(node, "title", {}, text); return node; }
  function html(parent, name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  }
  function empty(host, message) { html(host, "p", {"class": "empty"}, message); }
  function clip(text, n) { text = String(text); return text.length > n ? text.slice(0, n - 1) + "…" : text; }
  function pct(x) { return Math.round(100 * x) + "%"; }
  function hours(h) { return (h >= 0 ? "+" : "−") + Math.abs(h).toFixed(1) + " h"; }
  function status(s) { return STATUS[s] || STATUS.unknown; }
  function legend(host, items) {
    items.forEach(function (item) {
      var span = html(host, "span");
      html(span, "span", {"class": "swatch", style: "background:" + item[1]});
      span.appendChild(document.createTextNode(item[0]));
    });
  }
  function totals(rows, key, weight) {
    var by = {};
    rows.forEach(function (r) {
      var name = r[key];
      by[name] = by[name] || {name: name, total: 0, credited: 0, state: r.agency_state};
      by[name].total += weight ? r[weight] : 1;
      by[name].credited += r.credited || 0;
    });
    return Object.keys(by).map(function (k) { return by[k]; })
      .sort(function (a, b) { return b.total - a.total || String(a.name).localeCompare(String(b.name)); });
  }

  // (a) outlet → agency graph: outlets left, agencies right, one ribbon per pair whose thickness is its
  // article count; the ribbon is split lengthwise by credit status, so its colours are the credit shares.
  function drawGraph(host, legendHost, edges) {
    if (!edges.length) {
      empty(host, "No article traces back to an agency yet (run provtrack link, or ingest agency copy).");
      return 0;
    }
    legend(legendHost, ["credited", "credits_intermediary", "uncredited", "unknown"].map(function (s) {
      return STATUS[s];
    }));
    html(legendHost, "span", {}, "★ state-affiliated agency · thickness: articles");
    var outlets = totals(edges, "outlet", "articles"), agencies = totals(edges, "agency", "articles");
    var total = edges.reduce(function (n, e) { return n + e.articles; }, 0), GAP = 20, top = 30, labelW = 290;
    var n = Math.max(outlets.length, agencies.length);
    var target = Math.min(900, Math.max(140, n * 36));
    var k = Math.min(24, (target - GAP * (n - 1)) / total);  // pixels per article
    var width = Math.max(host.clientWidth || 1200, 820), xL = labelW, xR = width - labelW;
    function place(list) {  // each node a bar as tall as its articles; the shorter column is centred
      var used = total * k + GAP * (list.length - 1), y = top + (target - used) / 2, at = {};
      list.forEach(function (node) { at[node.name] = {y: y, h: node.total * k, fill: y}; y += node.total * k + GAP; });
      return at;
    }
    var tall = Math.max(target, total * k + GAP * (n - 1));
    target = tall;
    var atOut = place(outlets), atAg = place(agencies), height = top + tall + 16;
    var rank = {};
    outlets.forEach(function (o, i) { rank["o:" + o.name] = i; });
    agencies.forEach(function (a, i) { rank["a:" + a.name] = i; });
    var root = svg(host, "svg", {id: "graph-svg", width: width, height: height, viewBox: "0 0 " + width + " " + height,
                                 role: "img", "aria-label": "outlet to agency graph"});
    svg(root, "text", {x: xL - 16, y: 14, "text-anchor": "end", "class": "muted", "font-size": 12}, "outlet · articles from agencies");
    svg(root, "text", {x: xR + 16, y: 14, "class": "muted", "font-size": 12}, "origin agency · articles · credited");
    // ribbons leave an outlet in agency order and reach an agency in outlet order: fewest crossings
    var ends = {};
    edges.slice().sort(function (a, b) { return rank["a:" + a.agency] - rank["a:" + b.agency]; }).forEach(function (e) {
      var node = atOut[e.outlet];
      ends[e.outlet + "\u0000" + e.agency] = {y1: node.fill};
      node.fill += e.articles * k;
    });
    var group = svg(root, "g", {"class": "edges"}), mid = (xL + xR) / 2;
    edges.slice().sort(function (a, b) { return rank["o:" + a.outlet] - rank["o:" + b.outlet]; }).forEach(function (e) {
      var end = ends[e.outlet + "\u0000" + e.agency], node = atAg[e.agency], y1 = end.y1, y2 = node.fill;
      node.fill += e.articles * k;
      var g = svg(group, "g", {"class": "edge", "data-outlet": e.outlet, "data-agency": e.agency,
                               "data-articles": e.articles, "data-credited": e.credited});
      [["credited", e.credited], ["credits_intermediary", e.credits_intermediary], ["uncredited", e.uncredited],
       ["unknown", e.unknown]].forEach(function (part) {
        if (!part[1]) return;
        var h = part[1] * k;
        svg(g, "path", {"class": "ribbon", fill: STATUS[part[0]][1],
                        d: "M" + xL + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + xR + "," + y2 +
                           " L" + xR + "," + (y2 + h) + " C" + mid + "," + (y2 + h) + " " + mid + "," + (y1 + h) + " " +
                           xL + "," + (y1 + h) + " Z"});
        y1 += h; y2 += h;
      });
      tip(g, e.outlet + " → " + e.agency + ": " + e.articles + " articles; " + e.credited + " credited (" +
          pct(e.credited_share || 0) + "), " + e.credits_intermediary + " credit an intermediary, " + e.uncredited +
          " uncredited" + (e.unknown ? ", " + e.unknown + " without status" : ""));
    });
    outlets.forEach(function (o) {
      var at = atOut[o.name], y = at.y + at.h / 2, g = svg(root, "g", {"class": "node outlet"});
      svg(g, "rect", {x: xL - 7, y: at.y, width: 7, height: Math.max(at.h, 1), "class": "node-bar"});
      var t = svg(g, "text", {x: xL - 14, y: y + 4, "text-anchor": "end", "font-size": 13}, clip(o.name, 30) + " ");
      svg(t, "tspan", {"class": "muted"}, String(o.total));
      tip(g, o.name + ": " + o.total + " articles from agencies, " + o.credited + " credited");
    });
    agencies.forEach(function (a) {
      var at = atAg[a.name], y = at.y + at.h / 2, g = svg(root, "g", {"class": "node agency"});
      svg(g, "rect", {x: xR, y: at.y, width: 7, height: Math.max(at.h, 1), "class": "node-bar"});
      var t = svg(g, "text", {x: xR + 14, y: y + 4, "font-size": 13, "font-weight": 600},
                  clip(a.name, 24) + (a.state ? " ★" : "") + " ");
      svg(t, "tspan", {"class": "muted", "font-weight": 400}, a.total + " · " + pct(a.credited / a.total) + " credited");
      tip(g, a.name + (a.state ? " (state-affiliated)" : "") + ": " + a.total + " articles in other outlets, " +
          a.credited + " credited");
    });
    return edges.length;
  }

  // (b) one chain drawing per story: a column per hop, an arrow from each article's source to it.
  function drawStory(host, story, index) {
    var W = 220, H = 58, GX = 40, GY = 10, PAD = 6;
    var hops = [], byHop = {}, at = {};
    story.articles.forEach(function (a) {
      if (!byHop[a.hops]) { byHop[a.hops] = []; hops.push(a.hops); }
      byHop[a.hops].push(a);
    });
    hops.sort(function (a, b) { return a - b; });
    var maxRows = Math.max.apply(null, hops.map(function (h) { return byHop[h].length; }));
    var width = PAD * 2 + hops.length * (W + GX) - GX, height = PAD * 2 + maxRows * (H + GY) - GY;
    var root = svg(host, "svg", {"class": "chain", width: width, height: height, viewBox: "0 0 " + width + " " + height,
                                 "data-articles": story.articles.length});
    var defs = svg(root, "defs"), id = "arrow-" + index;
    svg(svg(defs, "marker", {id: id, viewBox: "0 0 8 8", refX: 8, refY: 4, markerWidth: 7, markerHeight: 7,
                             orient: "auto"}), "path", {d: "M0,0 L8,4 L0,8 z", fill: "#7b8794"});
    hops.forEach(function (h, col) {
      var list = byHop[h], offset = (maxRows - list.length) * (H + GY) / 2;
      list.forEach(function (a, row) { at[a.url] = {x: PAD + col * (W + GX), y: PAD + offset + row * (H + GY)}; });
    });
    var links = svg(root, "g", {"class": "links"});
    story.articles.forEach(function (a) {
      var to = at[a.url], from = a.source && at[a.source];
      if (!from) return;
      var x1 = from.x + W, y1 = from.y + H / 2, x2 = to.x - 2, y2 = to.y + H / 2, mid = (x1 + x2) / 2;
      svg(links, "path", {"class": "chain-link", "marker-end": "url(#" + id + ")",
                          d: "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + "," + y2});
    });
    story.articles.forEach(function (a) {
      var p = at[a.url], st = status(a.status);
      var g = svg(root, "g", {"class": "chain-node", transform: "translate(" + p.x + "," + p.y + ")"});
      svg(g, "rect", {"class": "box", width: W, height: H, rx: 5});
      svg(g, "rect", {width: 6, height: H, rx: 2, fill: st[1]});
      svg(g, "text", {x: 14, y: 17, "font-size": 13, "font-weight": 600}, clip(a.outlet, 28));
      svg(g, "text", {x: 14, y: 33, "font-size": 12, "class": "muted"},
          (a.published || "time unknown") + " · " + (a.hops ? (a.lag_origin === null ? "hop " + a.hops : hours(a.lag_origin)) : "origin"));
      var how = st[0] + (a.hops && a.derivation && a.derivation !== "none"
        ? " · " + a.derivation + (a.reuse !== null ? " " + pct(a.reuse) : "") : "");
      svg(g, "text", {x: 14, y: 49, "font-size": 11, fill: st[1]}, how);
      tip(g, a.url + "\nhop " + a.hops + (a.lag_source !== null ? ", " + hours(a.lag_source) + " after its source" : ""));
    });
  }

  function drawChains(host, legendHost, stories, total) {
    legend(legendHost, ["credited", "credits_intermediary", "uncredited", "self", "unknown"].map(function (s) {
      return STATUS[s];
    }));
    if (!stories.length) { empty(host, "No story is carried by more than one article yet."); return 0; }
    stories.forEach(function (story, i) {
      var box = html(host, "details", {"class": "story"});
      if (i < 4) box.setAttribute("open", "");
      var head = html(box, "summary", {}, clip(story.title || story.url, 110));
      html(head, "span", {"class": "meta"}, "· " + (story.agency || story.outlet || "unknown origin") + " · " +
           (story.started || "") + " · " + story.articles.length + " articles");
      drawStory(html(box, "div", {"class": "story-svg"}), story, i);
    });
    if (total > stories.length) {
      html(host, "p", {"class": "more"}, "The " + stories.length + " largest of " + total +
           " stories are drawn; every story is in the story_chains table below.");
    }
    return stories.length;
  }

  // (c1) dependence over time: per outlet, a stacked share bar per week.
  function drawDependence(host, legendHost, rows) {
    if (!rows.length) { empty(host, "No dated articles yet."); return 0; }
    var DAY = 86400000, weeks = [], colour = {};
    var times = rows.map(function (r) { return Date.parse(r.week + "T00:00:00Z"); });
    var first = Math.min.apply(null, times), last = Math.max.apply(null, times);
    for (var t = first; t <= last; t += 7 * DAY) weeks.push(new Date(t).toISOString().slice(0, 10));
    var agencies = totals(rows.filter(function (r) { return r.origin_agency !== null; }), "origin_agency", "articles");
    agencies.forEach(function (a, i) { colour[a.name] = PALETTE[i % PALETTE.length]; });
    legend(legendHost, agencies.map(function (a) { return [a.name, colour[a.name]]; }).concat([["no agency origin", NO_AGENCY]]));
    var byOutlet = {};
    rows.forEach(function (r) {
      var o = byOutlet[r.outlet] = byOutlet[r.outlet] || {name: r.outlet, kind: r.outlet_kind, total: 0, agency: 0, weeks: {}};
      (o.weeks[r.week] = o.weeks[r.week] || []).push(r);
      o.total += r.articles;
      if (r.origin_agency !== null) o.agency += r.articles;
    });
    var outlets = Object.keys(byOutlet).map(function (k) { return byOutlet[k]; }).sort(function (a, b) {
      return (a.kind === "agency") - (b.kind === "agency") || b.agency - a.agency || a.name.localeCompare(b.name);
    });
    var cellW = host.clientWidth > 0 ? (host.clientWidth - 44) / 3 : 300;  // three per row (see .multiples)
    var W = Math.max(280, Math.floor(cellW)), Hgt = 132, L = 36, R = 6, T = 8, B = 22;
    var plotW = W - L - R, plotH = Hgt - T - B;
    var band = plotW / weeks.length, barW = Math.min(36, Math.max(2, band * 0.8));
    outlets.forEach(function (o) {
      var cell = html(host, "div", {"class": "multiple"});
      var h = html(cell, "h3", {}, o.name + " ");
      html(h, "span", {}, (o.kind === "agency" ? "agency · " : "") + o.total + " articles · " +
           pct(o.agency / o.total) + " from agencies");
      var root = svg(cell, "svg", {"class": "dependence", width: W, height: Hgt, viewBox: "0 0 " + W + " " + Hgt,
                                   "data-outlet": o.name});
      [0, 0.5, 1].forEach(function (v) {
        var y = T + plotH * (1 - v);
        svg(root, "line", {"class": "grid", x1: L, x2: W - R, y1: y, y2: y});
        svg(root, "text", {x: L - 5, y: y + 4, "text-anchor": "end", "font-size": 10, "class": "muted"}, pct(v));
      });
      var labels = weeks.length > 2 ? [0, Math.floor((weeks.length - 1) / 2), weeks.length - 1] : weeks.map(function (w, i) { return i; });
      labels.forEach(function (i, k) {
        var x = L + band * (i + 0.5), anchor = labels.length > 1 && k === 0 ? "start" : k === labels.length - 1 && k ? "end" : "middle";
        if (anchor === "start") x = L; else if (anchor === "end") x = W - R;
        svg(root, "text", {x: x, y: Hgt - 6, "text-anchor": anchor, "font-size": 10, "class": "muted"}, weeks[i]);
      });
      weeks.forEach(function (week, i) {
        var parts = (o.weeks[week] || []).slice().sort(function (a, b) {
          return (a.origin_agency === null) - (b.origin_agency === null) || b.articles - a.articles;
        });
        var y = T + plotH, x = L + band * i + (band - barW) / 2;
        parts.forEach(function (p) {
          var hgt = plotH * p.share;
          y -= hgt;
          tip(svg(root, "rect", {"class": "seg", x: x.toFixed(2), y: y.toFixed(2), width: barW.toFixed(2),
                                 height: Math.max(0, hgt).toFixed(2), fill: p.origin_agency === null ? NO_AGENCY : colour[p.origin_agency]}),
              o.name + ", week of " + week + ": " + (p.origin_agency || "no agency origin") + " " + p.articles +
              " of " + p.outlet_articles + " articles (" + pct(p.share) + ")");
        });
      });
    });
    return outlets.length;
  }

  // (c2) lag distribution: copies per lag bin, stacked by credit status.
  function drawLags(host, lags, missing) {
    if (!lags.length) { empty(host, "No copy with a known lag yet."); return 0; }
    var edges = [0, 1, 2, 4, 8, 12, 18, 24, 48, 96, Infinity];
    var bins = [], order = ["credited", "credits_intermediary", "uncredited", "unknown"];
    for (var i = 0; i < edges.length - 1; i++) {
      bins.push({label: edges[i + 1] === Infinity ? "≥ " + edges[i] + " h" : edges[i] + "–" + edges[i + 1] + " h",
                 lo: edges[i], hi: edges[i + 1]});
    }
    bins.forEach(function (b) { b.count = 0; b.by = {}; });
    lags.forEach(function (l) {
      var b = bins.filter(function (b) { return l[0] >= b.lo && l[0] < b.hi; })[0], s = STATUS[l[1]] ? l[1] : "unknown";
      if (s === "self") s = "unknown";
      b.count += 1;
      b.by[s] = (b.by[s] || 0) + 1;
    });
    var sorted = lags.map(function (l) { return l[0]; }).sort(function (a, b) { return a - b; });
    var median = sorted[Math.floor((sorted.length - 1) / 2)];
    var W = 820, H = 300, L = 48, R = 12, T = 16, B = 44, plotW = W - L - R, plotH = H - T - B;
    var maxCount = Math.max.apply(null, bins.map(function (b) { return b.count; }));
    var step = Math.pow(10, Math.floor(Math.log10(maxCount)));
    if (maxCount / step < 2) step /= 5; else if (maxCount / step < 5) step /= 2;
    step = Math.max(1, step);
    var top = Math.ceil(maxCount / step) * step;
    var root = svg(host, "svg", {id: "lag-svg", width: W, height: H, viewBox: "0 0 " + W + " " + H});
    for (var v = 0; v <= top; v += step) {
      var y = T + plotH * (1 - v / top);
      svg(root, "line", {"class": "grid", x1: L, x2: W - R, y1: y, y2: y});
      svg(root, "text", {x: L - 6, y: y + 4, "text-anchor": "end", "font-size": 11, "class": "muted"}, String(v));
    }
    svg(root, "text", {x: 12, y: T + plotH / 2, "font-size": 11, "class": "muted", "text-anchor": "middle",
                       transform: "rotate(-90 12 " + (T + plotH / 2) + ")"}, "copies");
    var band = plotW / bins.length, barW = band * 0.72;
    bins.forEach(function (b, i) {
      var x = L + band * i + (band - barW) / 2, y = T + plotH;
      order.forEach(function (s) {
        var n = b.by[s] || 0, hgt = plotH * n / top;
        if (!n) return;
        y -= hgt;
        tip(svg(root, "rect", {"class": "lag-bar", x: x.toFixed(2), y: y.toFixed(2), width: barW.toFixed(2),
                               height: hgt.toFixed(2), fill: STATUS[s][1]}), b.label + ": " + n + " " + STATUS[s][0]);
      });
      if (b.count) svg(root, "text", {x: x + barW / 2, y: y - 4, "text-anchor": "middle", "font-size": 11}, String(b.count));
      svg(root, "text", {x: x + barW / 2, y: T + plotH + 16, "text-anchor": "middle", "font-size": 11, "class": "muted"}, b.label);
    });
    svg(root, "text", {x: L + plotW / 2, y: H - 6, "text-anchor": "middle", "font-size": 12, "class": "muted"},
        "hours from source to copy · median " + median.toFixed(1) + " h over " + lags.length + " copies" +
        (missing ? " (" + missing + " more have no lag: a time missing, or stamped before their source)" : ""));
    var key = html(host, "div", {"class": "legend"});
    legend(key, order.map(function (s) { return STATUS[s]; }));
    return bins.length;
  }

  function render() {
    var data = JSON.parse(document.getElementById("report-data").textContent);
    var body = document.body;
    body.setAttribute("data-edges", drawGraph(document.getElementById("graph-chart"),
                                              document.getElementById("graph-legend"), data.edges));
    body.setAttribute("data-stories", drawChains(document.getElementById("chain-list"),
                                                 document.getElementById("chain-legend"), data.stories, data.stories_total));
    body.setAttribute("data-outlet-charts", drawDependence(document.getElementById("dependence-chart"),
                                                           document.getElementById("dependence-legend"), data.weekly));
    body.setAttribute("data-lag-bins", drawLags(document.getElementById("lag-chart"), data.lags, data.lags_missing));
    body.setAttribute("data-rendered", "ok");
  }

  try {
    render();
  } catch (err) {
    document.body.setAttribute("data-rendered", "failed");
    window.provtrackRecordError("render failed: " + (err && err.stack || err));
  }
})();
