// County page chart (ECharts, shipped locally): towns x sections, colour = records, 0 in red.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("county-data").textContent);
  var towns = data.towns;
  if (!towns.length) { return; }
  var sectionIds = data.sections;
  var names = towns.map(function (t) { return t.town; }).reverse();
  var cells = [];
  var maxRecords = 1;
  towns.forEach(function (town, row) {
    town.records.forEach(function (records, col) {
      maxRecords = Math.max(maxRecords, records);
      cells.push({ value: [col, towns.length - 1 - row, records], town: town,
                   itemStyle: records ? undefined : { color: "#f5b7b1" } });
    });
  });
  var chart = echarts.init(document.getElementById("county-heatmap"), null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    grid: { left: 50, right: 20, top: 10, bottom: 60, containLabel: true },
    tooltip: { formatter: function (p) {
      var sid = sectionIds[p.data.value[0]];
      return p.data.town.town + " · " + data.short_titles[sid] + "<br>记录 " + p.data.value[2] + " 条";
    } },
    xAxis: { type: "category", data: sectionIds.map(function (id) { return data.short_titles[id]; }),
             axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "category", data: names },
    visualMap: { min: 1, max: maxRecords, calculable: true, orient: "horizontal", left: "center",
                 bottom: 0, inRange: { color: ["#fde0c5", "#f39c6b", "#8b1a1a"] },
                 outOfRange: { color: "#f5b7b1" }, text: ["多", "少（红色为无记录）"] },
    series: [{ type: "heatmap", data: cells, label: { show: true } }]
  });
  chart.on("click", function (p) {
    if (p.data.town.id) { window.location.href = "/towns/" + p.data.town.id + "?year=" + data.year; }
  });
  window.addEventListener("resize", function () { chart.resize(); });
  document.body.setAttribute("data-charts", "ready");
})();
