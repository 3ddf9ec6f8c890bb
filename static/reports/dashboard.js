/* Dashboards: draw the charts from the scoped chart JSON; sort the park table by keyboard or mouse. */
(function () {
  "use strict";

  var PALETTE = ["#3b6ea5", "#e0a030", "#5a9e6f", "#8c6bb1", "#2a9d8f", "#6c7a89", "#d9822b", "#9c755f"];

  function values(series, isRate) {
    return series.data.map(function (point) {
      return { value: point.value === null ? null : isRate ? +(point.value * 100).toFixed(1) : point.value, url: point.url, name: point.label };
    });
  }

  function option(chart) {
    var base = {
      color: PALETTE,
      animation: false,
      // Tooltips drawn on the canvas: ECharts' HTML tooltips carry inline styles, which the
      // Content-Security-Policy (style-src 'self') refuses.
      tooltip: { trigger: chart.kind === "bar" ? "axis" : "item", renderMode: "richText" },
      legend: { top: 0, type: "scroll", textStyle: { fontSize: 11 } },
      grid: { left: 8, right: 8, top: 30, bottom: 4, containLabel: true },
      aria: { enabled: true },
    };
    if (chart.kind === "pie") {
      base.series = [{ type: "pie", radius: ["35%", "65%"], top: 20, data: values(chart.series[0], false),
        label: { formatter: "{b}: {c}" } }];
      return base;
    }
    if (chart.kind === "funnel") {
      base.series = [{ type: "funnel", top: 28, bottom: 4, left: "10%", width: "80%", sort: "none", minSize: "8%",
        data: values(chart.series[0], false), label: { formatter: "{b}: {c}" } }];
      return base;
    }
    var isRate = chart.unit === "rate";
    var category = { type: "category", data: chart.categories, inverse: !!chart.horizontal,
      axisLabel: { fontSize: 11, interval: 0, hideOverlap: true } };
    var value = { type: "value", axisLabel: { formatter: isRate ? "{value}%" : "{value}" } };
    base.xAxis = chart.horizontal ? value : category;
    base.yAxis = chart.horizontal ? category : [value];
    var hasLine = chart.series.some(function (s) { return s.line; });
    if (hasLine) {
      base.yAxis.push({ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } });
    }
    base.series = chart.series.map(function (s) {
      var rate = isRate || s.unit === "rate";
      return {
        name: s.name,
        type: s.line ? "line" : "bar",
        yAxisIndex: s.line ? 1 : 0,
        stack: chart.stack ? "total" : undefined,
        data: values(s, rate),
        connectNulls: false,
        tooltip: rate ? { valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } } : undefined,
      };
    });
    return base;
  }

  function draw(charts) {
    if (!window.echarts) { return; }
    charts.forEach(function (chart) {
      var node = document.getElementById("chart-" + chart.id);
      if (!node) { return; }
      var instance = window.echarts.init(node, null, { renderer: "canvas" });
      instance.setOption(option(chart));
      instance.on("click", function (params) {
        var url = params.data && params.data.url;
        if (url) { window.location.href = url; }
      });
      node.dataset.drawn = "1";
      window.addEventListener("resize", function () { instance.resize(); });
    });
  }

  function loadCharts() {
    var holder = document.getElementById("charts");
    if (!holder) { return; }
    fetch(holder.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { draw(data.charts); holder.dataset.loaded = "1"; });
  }

  function sortable(table) {
    var headers = table.querySelectorAll("thead th");
    table.querySelectorAll(".sort-button").forEach(function (button) {
      button.addEventListener("click", function () {
        var col = +button.dataset.sortCol;
        var numeric = button.hasAttribute("data-numeric");
        var th = button.closest("th");
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.cells.length > 1; });
        rows.sort(function (a, b) {
          var x = a.cells[col].dataset.value, y = b.cells[col].dataset.value;
          if (numeric) {
            x = x === "" ? -Infinity : parseFloat(x);
            y = y === "" ? -Infinity : parseFloat(y);
            return ascending ? x - y : y - x;
          }
          return ascending ? x.localeCompare(y) : y.localeCompare(x);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-sortable]").forEach(sortable);
    loadCharts();
  });
})();
