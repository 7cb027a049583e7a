/*
 * Xiaoer supervisor view: the shop's day at a glance for agents whose role is supervisor.
 * Live lines and agents come from the console's own frames (console.js re-sends each as a 'xiaoer:frame' event);
 * the day's figures, the unanswered questions and the flags come from /api/supervisor/ with the console's token.
 * Charts are inline SVG drawn here; every text from the server goes in with textContent, never innerHTML.
 * API: docs/admin.md, "The supervisor view".
 */
(function () {
  'use strict';

  var TOKEN_KEY = 'xiaoer.console.token';
  var REFRESH_MS = 30000;
  var SVG = 'http://www.w3.org/2000/svg';
  var STATUS = { available: '在线接待', away: '离开', offline: '离线' };
  var BANDS = { answer: '已可回答', suggest: '会给出推荐问题', handoff: '会转人工', smalltalk: '寒暄', unknown: '仍答不上' };
  var EVENT_WHO = { buyer_message: '买家', bot_reply: '小二（机器人）', agent_message: '客服', system_notice: '系统' };

  var me = null;
  var lines = {};
  var lineOrder = [];
  var roster = [];
  var queueNames = {};
  var slaSeconds = 900;
  var clockOffset = 0;
  var showing = false;
  var refreshTimer = null;
  var questions = [];
  var editing = null;
  var zone = null;          // the shop's time zone (the business hours'), from the summary

  var $ = XiaoerPage.$;
  var el = XiaoerPage.el;

  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { e.textContent = String(text); }
    return e;
  }

  function toast(text) { XiaoerPage.toast(text, 4000); }

  function serverNow() { return Date.now() + clockOffset; }

  function two(n) { return (n < 10 ? '0' : '') + n; }

  /** HH:MM in the shop's time zone, whatever the browser's is. */
  function clock(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ''; }
    if (zone) {
      try {
        return d.toLocaleTimeString('zh-CN', { timeZone: zone, hour: '2-digit', minute: '2-digit', hour12: false });
      } catch (e) { /* an unknown zone: the browser's own below */ }
    }
    return two(d.getHours()) + ':' + two(d.getMinutes());
  }

  function duration(ms) {
    if (ms === null || ms === undefined) { return '—'; }
    var s = ms / 1000;
    if (s < 10) { return (Math.round(s * 10) / 10) + '秒'; }
    if (s < 60) { return Math.round(s) + '秒'; }
    var m = Math.floor(s / 60);
    if (m < 60) { return m + '分' + two(Math.round(s % 60)) + '秒'; }
    return Math.floor(m / 60) + '小时' + (m % 60) + '分';
  }

  // ---- the server ----
  function api(path, options) {
    options = options || {};
    options.headers = options.headers || {};
    options.headers.Authorization = 'Bearer ' + sessionStorage.getItem(TOKEN_KEY);
    options.cache = 'no-store';
    return fetch(path, options).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) {
          var e = new Error(body.message || ('HTTP ' + r.status));
          e.status = r.status;
          throw e;
        }
        return body;
      });
    });
  }

  function failed(what) {
    return function (e) {
      toast(what + '失败：' + (e.status === 401 ? '登录已过期，请重新登录' : e.message));
    };
  }

  // ---- frames from the console ----
  document.addEventListener('xiaoer:frame', function (event) {
    var f = event.detail;
    switch (f.type) {
      case 'welcome':
        me = f.agent;
        slaSeconds = (f.slaWaitMinutes || 15) * 60;
        clockOffset = new Date(f.now).getTime() - Date.now();
        queueNames = {};
        (f.queues || []).forEach(function (q) { queueNames[q.id] = q.name; });
        $('view-toggle').hidden = me.role !== 'supervisor';
        if (me.role !== 'supervisor' && showing) { show(false); }
        return;
      case 'lines':
        lines = {};
        lineOrder = [];
        f.lines.forEach(setLine);
        return renderLive();
      case 'line':
        setLine(f.line);
        return renderLive();
      case 'agents':
        roster = f.agents;
        return renderLive();
      case 'sla_breach':
        return renderLive();
      default:
        return undefined;
    }
  });

  document.addEventListener('xiaoer:logout', function () {
    me = null;
    $('view-toggle').hidden = true;
    show(false);
  });

  function setLine(line) {
    if (!lines[line.queue]) { lineOrder.push(line.queue); }
    lines[line.queue] = line;
  }

  // ---- switching views ----
  $('view-toggle').addEventListener('click', function () { show(!showing); });

  function show(on) {
    showing = on;
    $('supervisor').hidden = !on;
    $('desk').hidden = on;
    var toggle = $('view-toggle');
    toggle.textContent = on ? '接待视图' : '主管视图';
    toggle.setAttribute('aria-pressed', String(on));
    clearInterval(refreshTimer);
    if (on) {
      renderLive();
      refresh();
      refreshTimer = setInterval(refresh, REFRESH_MS);
    }
  }

  $('sv-refresh').addEventListener('click', refresh);

  function refresh() {
    if (!showing) { return; }
    // The summary first: it names the time zone the other lists show their times in.
    api('/api/supervisor/summary').then(renderSummary).then(function () {
      return Promise.all([
        api('/api/supervisor/unanswered?days=7&limit=20').then(renderUnanswered),
        api('/api/supervisor/flags?days=1&limit=20').then(renderFlags)
      ]);
    }).then(function () {
      $('sv-updated').textContent = '更新于 ' + clock(new Date(serverNow()).toISOString());
    }, failed('刷新'));
  }

  // ---- the day ----
  var lastDay = null;
  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { if (showing && lastDay) { renderSummary(lastDay); } }, 200);
  });

  function renderSummary(day) {
    lastDay = day;
    zone = day.timeZone;
    $('sv-date').textContent = day.date;
    var k = $('sv-kpis');
    k.textContent = '';
    var fr = day.firstResponse;
    kpi(k, '咨询', day.chats, '位买家');
    kpi(k, '机器人独立解决', day.botResolvedPercent.toFixed(1) + '%', day.botResolved + ' / ' + day.chats);
    kpi(k, '转人工', day.handedOff, '人工接待 ' + day.withPeople + ' · 转接 ' + day.transfers);
    kpi(k, '首次响应 · 机器人', duration(fr.bot.medianMillis), 'p90 ' + duration(fr.bot.p90Millis));
    kpi(k, '首次响应 · 人工', duration(fr.human.medianMillis), 'p90 ' + duration(fr.human.p90Millis)
      + (fr.stillWaiting ? ' · 未回复 ' + fr.stillWaiting : ''), fr.stillWaiting > 0);
    kpi(k, '评价', day.ratings.count ? day.ratings.average + ' ★' : '—', day.ratings.count + ' 条');
    var flags = 0;
    Object.keys(day.flagsByRule).forEach(function (r) { flags += day.flagsByRule[r]; });
    kpi(k, '风险提示', flags, '机器人答不上 ' + day.unknownAnswers + ' 次', flags > 0);

    var hours = [];
    for (var h = 0; h < 24; h++) { hours.push(h % 3 === 0 ? String(h) : ''); }
    bars($('sv-hours'), hours, day.chatsByHour, function (i, v) { return i + ':00 · ' + v + ' 位'; });
    var queues = Object.keys(day.handoffsByQueue);
    bars($('sv-queues'), queues.map(function (q) { return queueNames[q] || q; }),
      queues.map(function (q) { return day.handoffsByQueue[q]; }),
      function (i, v) { return (queueNames[queues[i]] || queues[i]) + ' · ' + v; });
    var scores = [1, 2, 3, 4, 5];
    bars($('sv-ratings'), scores.map(function (s) { return s + '★'; }),
      scores.map(function (s) { return day.ratings.distribution[s] || 0; }),
      function (i, v) { return (i + 1) + ' 星 · ' + v + ' 条'; });
  }

  function kpi(box, label, value, sub, alarm) {
    var card = el('div', 'sv-kpi' + (alarm ? ' alarm' : ''));
    card.appendChild(el('span', 'sv-kpi-label', label));
    card.appendChild(el('strong', 'sv-kpi-value', value));
    card.appendChild(el('span', 'sv-kpi-sub', sub));
    box.appendChild(card);
  }

  /**
   * A bar chart in inline SVG, drawn at the box's own pixel width (so text is never scaled): one bar per value,
   * its label under it, its exact figure in a tooltip.
   */
  function bars(box, labels, values, tip) {
    box.textContent = '';
    var total = values.reduce(function (a, b) { return a + b; }, 0);
    if (!total) {
      box.appendChild(el('p', 'sv-muted sv-empty', '暂无'));
      return;
    }
    var w = Math.max(160, Math.floor(box.clientWidth || 320)), h = 130, top = 16, bottom = 20;
    var max = Math.max.apply(null, values);
    var step = w / values.length;
    var bw = Math.min(step * 0.7, 44);
    var chart = svg('svg', { viewBox: '0 0 ' + w + ' ' + h, width: w, height: h, role: 'img', class: 'sv-bars',
      'aria-label': labels.map(function (l, i) { return (l || i) + ': ' + values[i]; }).join(', ') });
    chart.appendChild(svg('line', { x1: 0, y1: h - bottom, x2: w, y2: h - bottom, class: 'sv-axis' }));
    values.forEach(function (v, i) {
      var bh = Math.round((h - top - bottom) * v / max);
      var x = i * step + (step - bw) / 2;
      var bar = svg('rect', { x: x, y: h - bottom - bh, width: bw, height: bh, rx: 2, class: 'sv-bar' });
      bar.appendChild(svg('title', {}, tip(i, v)));
      chart.appendChild(bar);
      if (v > 0 && values.length <= 12) {
        chart.appendChild(svg('text', { x: x + bw / 2, y: h - bottom - bh - 4, class: 'sv-bar-value' }, v));
      }
      if (labels[i]) {
        chart.appendChild(svg('text', { x: i * step + step / 2, y: h - 4, class: 'sv-bar-label' }, labels[i]));
      }
    });
    box.appendChild(chart);
  }

  // ---- live lines and agents ----
  function renderLive() {
    if (!showing) { return; }
    var body = $('sv-lines').tBodies[0];
    body.textContent = '';
    lineOrder.forEach(function (q) {
      var line = lines[q];
      var oldest = null, late = 0;
      line.waiting.forEach(function (w) {
        var since = new Date(w.waitingSince).getTime();
        if (oldest === null || since < oldest) { oldest = since; }
        if (w.slaBreached || (!w.leaveMessage && serverNow() - since >= slaSeconds * 1000)) { late++; }
      });
      var tr = el('tr', late ? 'late' : '');
      tr.dataset.queue = q;
      tr.appendChild(el('td', '', line.queueName));
      tr.appendChild(el('td', 'num', line.waiting.length));
      var wait = el('td', 'num sv-wait', oldest === null ? '—' : duration(serverNow() - oldest));
      if (oldest !== null) { wait.dataset.since = String(oldest); }
      tr.appendChild(wait);
      tr.appendChild(el('td', 'num' + (late ? ' sv-late' : ''), late ? late + ' 超时' : '0'));
      tr.appendChild(el('td', 'num', line.agentsAvailable));
      body.appendChild(tr);
    });
    var agents = $('sv-agents').tBodies[0];
    agents.textContent = '';
    roster.forEach(function (a) {
      var tr = el('tr');
      tr.dataset.agent = a.id;
      tr.appendChild(el('td', '', a.name + '（' + a.id + (a.role === 'supervisor' ? ' · 主管' : '') + '）'));
      tr.appendChild(el('td', 'sv-status ' + a.status, STATUS[a.status] || a.status));
      var load = el('td', 'sv-load');
      var meter = el('span', 'sv-meter' + (a.openChats >= a.maxChats ? ' full' : ''));
      var fill = el('span', 'sv-meter-fill');
      fill.style.width = Math.min(100, Math.round(100 * a.openChats / Math.max(1, a.maxChats))) + '%';
      meter.appendChild(fill);
      load.appendChild(meter);
      load.appendChild(el('span', 'num', a.openChats + ' / ' + a.maxChats));
      tr.appendChild(load);
      agents.appendChild(tr);
    });
  }

  setInterval(function () {
    if (!showing) { return; }
    var cells = document.querySelectorAll('.sv-wait[data-since]');
    for (var i = 0; i < cells.length; i++) {
      cells[i].textContent = duration(serverNow() - Number(cells[i].dataset.since));
    }
  }, 1000);

  // ---- unanswered questions ----
  function renderUnanswered(report) {
    questions = report.questions;
    var list = $('sv-unanswered');
    list.textContent = '';
    if (!questions.length) {
      list.appendChild(el('li', 'sv-muted', '近 7 天没有机器人答不上的问题。'));
      return;
    }
    questions.forEach(function (q, i) {
      var li = el('li', 'sv-question');
      li.dataset.normalized = q.normalized;
      var head = el('div', 'sv-question-head');
      head.appendChild(el('strong', 'sv-question-text', q.text));
      var known = q.nowBand === 'answer';
      head.appendChild(el('span', 'badge ' + (known ? 'sv-known' : 'sv-unknown'),
        BANDS[q.nowBand] || q.nowBand));
      li.appendChild(head);
      li.appendChild(el('div', 'sv-muted', '问了 ' + q.count + ' 次 · ' + q.conversations + ' 位买家 · 最近 '
        + clock(q.lastAskedAt)));
      var others = q.examples.filter(function (x) { return x !== q.text; });
      if (others.length) { li.appendChild(el('div', 'sv-muted', '其他问法：' + others.join(' / '))); }
      if (!known) {
        var add = el('button', 'sv-add-faq primary', '加入 FAQ');
        add.type = 'button';
        add.setAttribute('aria-label', '把“' + q.text + '”加入 FAQ');
        add.addEventListener('click', function () { openFaqForm(i); });
        li.appendChild(add);
      }
      list.appendChild(li);
    });
  }

  function openFaqForm(i) {
    var q = questions[i];
    editing = q;
    $('sv-faq-question').value = q.text;
    $('sv-faq-similar').value = q.examples.filter(function (x) { return x !== q.text; }).join('\n');
    $('sv-faq-answer').value = '';
    $('sv-faq-id').value = '';
    $('sv-faq-error').textContent = '';
    $('sv-faq-save').disabled = false;
    $('sv-faq-dialog').showModal();
    $('sv-faq-answer').focus();
    api('/api/supervisor/faq').then(function (faq) {
      if (!$('sv-faq-id').value) { $('sv-faq-id').value = faq.nextId; }
    }, function () { /* the server picks one when the field is empty */ });
  }

  $('sv-faq-cancel').addEventListener('click', function () { $('sv-faq-dialog').close(); });

  $('sv-faq-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var entry = {
      question: $('sv-faq-question').value.trim(),
      answer: $('sv-faq-answer').value.trim(),
      similar: $('sv-faq-similar').value.split('\n').map(function (s) { return s.trim(); })
        .filter(function (s) { return s; })
    };
    var id = $('sv-faq-id').value.trim();
    if (id) { entry.id = id; }
    if (!entry.question || !entry.answer) {
      $('sv-faq-error').textContent = '请填写问题和回答';
      return;
    }
    $('sv-faq-save').disabled = true;
    api('/api/supervisor/faq/entries', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(entry)
    }).then(function (done) {
      $('sv-faq-dialog').close();
      toast('已加入 FAQ（' + done.id + '，共 ' + done.entries + ' 条），机器人现在就能回答“' + entry.question + '”');
      editing = null;
      refresh();
    }, function (err) {
      $('sv-faq-save').disabled = false;
      $('sv-faq-error').textContent = err.status === 401 ? '登录已过期，请重新登录' : err.message;
    });
  });

  // ---- flags ----
  function renderFlags(report) {
    var list = $('sv-flags');
    list.textContent = '';
    if (!report.flags.length) {
      list.appendChild(el('li', 'sv-muted', '今天没有风险提示。'));
      return;
    }
    report.flags.forEach(function (f) {
      var li = el('li', 'sv-flag');
      li.dataset.conversation = f.conversation;
      li.appendChild(el('span', 'sv-muted', clock(f.at)));
      li.appendChild(el('span', 'badge high', f.ruleName));
      li.appendChild(el('span', 'sv-flag-text', f.text || '（' + f.trigger + '）'));
      var view = el('button', 'sv-view', '查看对话');
      view.type = 'button';
      view.addEventListener('click', function () { openTranscript(f.conversation); });
      li.appendChild(view);
      list.appendChild(li);
    });
  }

  function openTranscript(id) {
    var body = $('sv-transcript-body');
    body.textContent = '加载中…';
    $('sv-transcript').showModal();
    api('/api/conversations/' + encodeURIComponent(id)).then(function (t) {
      body.textContent = '';
      t.events.forEach(function (e) {
        var row = el('div', 'sv-event ' + e.type);
        var who = EVENT_WHO[e.type] || e.type;
        if (e.type === 'agent_message') { who = e.agentName; }
        var text = e.text;
        if (e.type === 'flag') { who = '⚠ 风险'; text = e.ruleName + '（“' + e.trigger + '”）'; }
        if (e.type === 'handoff') { who = '转人工'; text = e.queueName + (e.trigger ? '（' + e.trigger + '）' : ''); }
        if (e.type === 'agent_joined') { who = '接入'; text = e.agentName; }
        if (e.type === 'closed') { who = '结束'; text = e.by; }
        if (e.type === 'rating') { who = '评价'; text = e.score + ' 星' + (e.comment ? ' “' + e.comment + '”' : ''); }
        row.appendChild(el('span', 'sv-muted', clock(e.at) + ' ' + who));
        row.appendChild(el('span', '', text === undefined ? '' : text));
        body.appendChild(row);
      });
    }, function (err) { body.textContent = '读取失败：' + err.message; });
  }

  $('sv-transcript-close').addEventListener('click', function () { $('sv-transcript').close(); });
}());
