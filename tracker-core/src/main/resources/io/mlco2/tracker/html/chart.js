(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var COLORS = { cpu: '#4e79a7', gpu: '#e15759', ram: '#59a14f', intensity: '#b07aa1' };

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) {
      if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, String(attrs[k])); }
    }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function text(parent, x, y, s, anchor) {
    var t = el('text', { x: x, y: y, 'text-anchor': anchor || 'start', 'font-size': 11 }, parent);
    t.textContent = s;
    return t;
  }
  function niceMax(v) {
    if (!(v > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log(v) / Math.LN10));
    var m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
  }
  function fmtW(v) { return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2); }
  function fmtT(s) {
    if (s < 120) { return s.toFixed(s < 10 ? 1 : 0) + ' s'; }
    if (s < 7200) { return (s / 60).toFixed(1) + ' min'; }
    return (s / 3600).toFixed(1) + ' h';
  }

  function draw(box, chart) {
    var W = 1000, H = 320, L = 64, R = 16, T = 16, B = 44;
    var tmax = 0, vmax = 0;
    chart.series.forEach(function (s) {
      for (var i = 0; i < s.t.length; i++) {
        if (s.t[i] > tmax) { tmax = s.t[i]; }
        if (s.max[i] > vmax) { vmax = s.max[i]; }
      }
    });
    if (!(tmax > 0)) { tmax = 1; }
    vmax = niceMax(vmax * 1.05);
    function x(t) { return (L + (W - L - R) * t / tmax).toFixed(1); }
    function y(v) { return (H - B - (H - T - B) * v / vmax).toFixed(1); }
    var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, width: '100%', role: 'img',
                          'aria-label': chart.title, preserveAspectRatio: 'xMidYMid meet' }, null);
    var i, v, t;
    for (i = 0; i <= 5; i++) {
      v = vmax * i / 5;
      el('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#e5e5e5' }, svg);
      text(svg, L - 6, +y(v) + 4, fmtW(v), 'end');
    }
    for (i = 0; i <= 6; i++) {
      t = tmax * i / 6;
      el('line', { x1: x(t), x2: x(t), y1: H - B, y2: H - B + 4, stroke: '#999' }, svg);
      text(svg, x(t), H - B + 17, fmtT(t), 'middle');
    }
    el('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: '#999' }, svg);
    text(svg, 14, T + (H - T - B) / 2, chart.unit || 'W', 'middle');
    text(svg, L + (W - L - R) / 2, H - 6, 'time since start', 'middle');
    var legendX = L + 8;
    chart.series.forEach(function (s) {
      var c = COLORS[s.name] || '#777';
      var up = [], down = [], mid = [];
      for (var j = 0; j < s.t.length; j++) {
        up.push(x(s.t[j]) + ',' + y(s.max[j]));
        down.push(x(s.t[j]) + ',' + y(s.min[j]));
        mid.push(x(s.t[j]) + ',' + y(s.mean[j]));
      }
      down.reverse();
      el('polygon', { points: up.concat(down).join(' '), fill: c, 'fill-opacity': 0.2, stroke: 'none' }, svg);
      el('polyline', { points: mid.join(' '), fill: 'none', stroke: c, 'stroke-width': 1.6,
                       'class': 'series series-' + s.name }, svg);
      el('rect', { x: legendX, y: T + 2, width: 12, height: 12, fill: c }, svg);
      text(svg, legendX + 16, T + 12, (s.label || s.name.toUpperCase()) + ' (mean, min-max band)');
      legendX += 200;
    });
    box.appendChild(svg);
    box.setAttribute('data-chart-drawn', 'true');
  }

  var data = JSON.parse(document.getElementById('mlco2-data').textContent);
  var drawn = 0;
  data.charts.forEach(function (chart) {
    var box = document.getElementById(chart.id);
    if (box && chart.series.length > 0) { draw(box, chart); drawn++; }
  });
  document.body.setAttribute('data-charts-drawn', String(drawn));
})();
