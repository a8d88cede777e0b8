// Town page charts (ECharts, shipped locally): the coverage heat map and this year against last.
(function () {
  "use strict";
  var view = JSON.parse(document.getElementById("view-data").textContent);
  var monthNames = JSON.parse(document.getElementById("month-names").textContent);
  var base = "/towns/" + view.town.id + "/messages?";
  var sections = view.sections;
  var index = {};
  sections.forEach(function (s, i) { index[s.id] = sections.length - 1 - i; });
  function query(params) { return new URLSearchParams(params).toString(); }

  var cells = view.heat_map.map(function (c) {
    return { value: [c.month - 1, index[c.section], c.records], cell: c };
  });
  var maxRecords = Math.max(1, Math.max.apply(null, view.heat_map.map(function (c) { return c.records; })));
  var heat = echarts.init(document.getElementById("heatmap"), null, { renderer: "canvas" });
  heat.setOption({
    animation: false,
    grid: { left: 10, right: 20, top: 10, bottom: 60, containLabel: true },
    tooltip: {
      formatter: function (p) {
        var c = p.data.cell, s = sections[sections.length - 1 - p.data.value[1]];
        var lines = [s.title + " · " + monthNames[c.month - 1], "记录 " + c.records + " 条"];
        if (c.figures.length) { lines.push(c.figures.join("、")); }
        if (c.stated) { lines.push("另有存量或比率 " + c.stated + " 条"); }
        return lines.join("<br>");
      }
    },
    xAxis: { type: "category", data: monthNames, splitArea: { show: true } },
    yAxis: { type: "category", data: sections.map(function (s) { return s.short; }).reverse(),
             splitArea: { show: true } },
    visualMap: { min: 0, max: maxRecords, calculable: true, orient: "horizontal", left: "center",
                 bottom: 0, inRange: { color: ["#f7f9fb", "#fde0c5", "#f39c6b", "#c0392b"] },
                 text: ["多", "少（0 为空白）"] },
    series: [{ type: "heatmap", data: cells, label: { show: true, formatter: function (p) {
      return p.data.value[2] || ""; } }, emphasis: { itemStyle: { borderColor: "#333", borderWidth: 1 } } }]
  });
  heat.on("click", function (p) { window.location.href = base + query(p.data.cell.drill); });

  var compare = echarts.init(document.getElementById("compare"), null, { renderer: "canvas" });
  compare.setOption({
    animation: false,
    legend: { data: [view.year + "年", (view.year - 1) + "年"] },
    tooltip: { trigger: "axis" },
    grid: { left: 50, right: 20, top: 40, bottom: 10, containLabel: true },
    xAxis: { type: "category", data: sections.map(function (s) { return s.short; }),
             axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", name: "记录条数" },
    series: [
      { name: view.year + "年", type: "bar", data: sections.map(function (s) { return s.records; }),
        itemStyle: { color: "#8b1a1a" } },
      { name: (view.year - 1) + "年", type: "bar",
        data: sections.map(function (s) { return s.previous_records; }), itemStyle: { color: "#9aa5b1" } }
    ]
  });
  compare.on("click", function (p) {
    if (p.seriesIndex === 0) { window.location.href = base + query(sections[p.dataIndex].drill); }
  });
  window.addEventListener("resize", function () { heat.resize(); compare.resize(); });
  document.body.setAttribute("data-charts", "ready");
})();
