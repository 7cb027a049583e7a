/*
 * Xiaoer agent console: plain JavaScript, no framework, no CDN.
 * Every piece of text that comes from a buyer, an agent or the config is put into the page with textContent:
 * nothing from the wire ever goes through innerHTML, so a buyer who types <script> sees it as text.
 * Protocol: docs/protocol.md, "The agent protocol".
 */
(function () {
  'use strict';

  var TOKEN_KEY = 'xiaoer.console.token';
  var STATUS_KEY = 'xiaoer.console.status';
  var REPLACED = 4001;
  var TYPING_EVERY_MS = 3000;
  var TYPING_IDLE_MS = 4000;
  var BUYER_TYPING_SHOWN_MS = 6000;

  var ERRORS = {
    bad_credentials: '账号或密码错误',
    bad_token: '登录已过期，请重新登录',
    login_rate_limited: '登录失败次数过多，请稍后再试',
    replaced: '此账号已在其他地方登录',
    not_yours: '这个会话不在你名下',
    not_found: '会话不存在或已结束',
    conversation_closed: '会话已结束',
    agent_unavailable: '对方现在不能接收会话（离开、离线或已满）',
    unknown_agent: '没有这位同事',
    unknown_queue: '没有这个队列',
    text_too_long: '消息太长',
    empty_message: '消息是空的',
    rate_limited: '操作太快了，请稍后再试',
    busy: '系统繁忙，请重试',
    store_unavailable: '保存失败，请重试',
    shutting_down: '服务器正在重启，稍后自动重连',
    internal_error: '出了点问题，请重试'
  };
  var CLAIM_FAILED = {
    taken: '已被同事接入',
    not_waiting: '这个会话已不在排队',
    not_your_queue: '这个会话不属于你的队列',
    at_capacity: '你的会话数已达上限',
    closed: '买家已结束会话',
    store_unavailable: '保存失败，请重试'
  };
  var CLOSED_BY = { buyer: '买家', agent: '客服', system: '系统' };
  var LEFT_BECAUSE = { disconnected: '掉线', away: '离开', logout: '退出', transfer: '转接', agent_removed: '账号已停用' };
  var RELEASED_BECAUSE = { transferred: '已转接', disconnected: '你掉线太久，会话已回到排队',
    away: '你离开太久，会话已回到排队', logout: '你已退出' };

  // ---- state ----
  var ws = null;
  var me = null;            // the welcome's agent
  var token = sessionStorage.getItem(TOKEN_KEY);
  var credentials = null;   // {agentId, secret} until the first welcome, never stored
  var queues = [];
  var quickReplies = [];
  var slaSeconds = 900;
  var clockOffset = 0;      // server time minus this browser's time, in ms
  var lines = {};           // queue id -> line
  var lineOrder = [];
  var roster = [];
  var chats = {};           // conversation id -> chat
  var order = [];           // conversation ids, tab order
  var active = null;
  var seenWaiting = {};
  var retryMs = 500;
  var reconnectTimer = null;
  var loggedOut = false;
  var soundOn = true;
  var audio = null;
  var messageCounter = 0;

  var $ = XiaoerPage.$;
  var el = XiaoerPage.el;
  var toast = XiaoerPage.toast;

  function serverNow() { return Date.now() + clockOffset; }

  function clockText(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ''; }
    var h = d.getHours(), m = d.getMinutes();
    return (h < 10 ? '0' : '') + h + ':' + (m < 10 ? '0' : '') + m;
  }

  function waitedText(iso) {
    var s = Math.max(0, Math.floor((serverNow() - new Date(iso).getTime()) / 1000));
    var m = Math.floor(s / 60);
    if (m >= 60) { return Math.floor(m / 60) + '小时' + (m % 60) + '分'; }
    return m + ':' + (s % 60 < 10 ? '0' : '') + (s % 60);
  }

  function queueName(id) {
    for (var i = 0; i < queues.length; i++) { if (queues[i].id === id) { return queues[i].name; } }
    return id;
  }

  // ---- sound and title ----
  function beep() {
    if (!soundOn) { return; }
    try {
      if (!audio) { audio = new (window.AudioContext || window.webkitAudioContext)(); }
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.25, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.4);
    } catch (e) { /* no audio here: the title still tells */ }
  }

  var baseTitle = document.title;
  var alertTitle = null;
  function updateTitle() {
    var unread = 0;
    order.forEach(function (id) { unread += chats[id].unread; });
    var waiting = 0;
    lineOrder.forEach(function (q) { waiting += lines[q].waiting.length; });
    var prefix = alertTitle ? '【' + alertTitle + '】' : '';
    document.title = prefix + (unread ? '(' + unread + ') ' : '') + (waiting ? '排队' + waiting + ' · ' : '') + baseTitle;
  }
  function alertNew(what) {
    beep();
    if (document.hidden) { alertTitle = what; }
    updateTitle();
  }
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) { alertTitle = null; updateTitle(); }
  });

  // ---- connection ----
  function send(frame) {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(frame)); return true; }
    return false;
  }

  function setConn(text, offline) {
    var c = $('conn');
    c.textContent = text;
    c.classList.toggle('offline', !!offline);
  }

  function connect() {
    clearTimeout(reconnectTimer);
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/agent';
    var socket = new WebSocket(url);
    ws = socket;
    setConn('连接中…');
    socket.onopen = function () {
      var status = sessionStorage.getItem(STATUS_KEY) || undefined;
      if (token) {
        send({ type: 'login', token: token, status: status });
      } else if (credentials) {
        send({ type: 'login', agentId: credentials.agentId, secret: credentials.secret, status: status });
      } else {
        socket.close();
        showLogin('');
      }
    };
    socket.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (err) { return; }
      handle(f);
    };
    socket.onclose = function (e) {
      if (ws !== socket) { return; }
      ws = null;
      if (loggedOut) { return; }
      if (e.code === REPLACED) {
        forget();
        showLogin('此账号已在其他窗口登录；这里已断开。');
        return;
      }
      if (!me) { return; }
      setConn('已断开，正在重连…', true);
      reconnectTimer = setTimeout(connect, retryMs + Math.random() * retryMs);
      retryMs = Math.min(retryMs * 2, 15000);
    };
  }

  function forget() {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    me = null;
  }

  // ---- login ----
  function showLogin(message) {
    document.dispatchEvent(new CustomEvent('xiaoer:logout'));
    $('app').hidden = true;
    $('login-view').hidden = false;
    $('login-error').textContent = message || '';
    $('login-button').disabled = false;
    $('login-secret').value = '';
    $('login-id').focus();
  }

  $('login-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var id = $('login-id').value.trim(), secret = $('login-secret').value;
    if (!id || !secret) { $('login-error').textContent = '请输入账号和密码'; return; }
    credentials = { agentId: id, secret: secret };
    loggedOut = false;
    sessionStorage.setItem(STATUS_KEY, $('login-away').checked ? 'away' : 'available');
    $('login-button').disabled = true;
    $('login-error').textContent = '';
    // A user gesture: the only moment a browser lets a page start its sound.
    try { if (!audio) { audio = new (window.AudioContext || window.webkitAudioContext)(); } } catch (err) { audio = null; }
    if (ws) { ws.onclose = null; ws.close(); ws = null; }
    connect();
  });

  $('logout').addEventListener('click', function () {
    loggedOut = true;
    send({ type: 'logout' });
    forget();
    credentials = null;
    order.slice().forEach(removeChat);
    showLogin('已退出。');
  });

  $('status').addEventListener('change', function () {
    var s = $('status').value;
    sessionStorage.setItem(STATUS_KEY, s);
    send({ type: 'status', status: s });
  });

  $('sound').addEventListener('click', function () {
    soundOn = !soundOn;
    $('sound').textContent = soundOn ? '🔔' : '🔕';
    $('sound').setAttribute('aria-pressed', String(soundOn));
  });

  // ---- frames ----
  function handle(f) {
    // The supervisor view (supervisor.js) reads the same frames.
    document.dispatchEvent(new CustomEvent('xiaoer:frame', { detail: f }));
    switch (f.type) {
      case 'welcome': return welcome(f);
      case 'lines': lines = {}; lineOrder = []; f.lines.forEach(setLine); return renderLines();
      case 'line': setLine(f.line); return renderLines();
      case 'agents': roster = f.agents; return renderRoster();
      case 'assigned': return assigned(f);
      case 'message': return live(f.conversation, { seq: f.seq, at: f.at, type: 'buyer_message', id: f.id, text: f.text });
      case 'closed': return live(f.conversation, { seq: f.seq, at: f.at, type: 'closed', by: f.by });
      case 'rated': return live(f.conversation, { seq: f.seq, at: f.at, type: 'rating', score: f.score, comment: f.comment });
      case 'event': return live(f.conversation, f.event);
      case 'ack': return acked(f);
      case 'typing': return buyerTyping(f.conversation, f.active);
      case 'released': return released(f.conversation, f.reason);
      case 'claim_failed': return toast('接入失败：' + (CLAIM_FAILED[f.reason] || f.reason));
      case 'sla_breach':
        alertNew('超时');
        return toast('有买家已等待超过 ' + Math.round(f.waitingSeconds / 60) + ' 分钟：' + queueName(f.queue));
      case 'status': return showStatus(f.status);
      case 'error': return failed(f);
      default: return undefined;
    }
  }

  function welcome(f) {
    var first = !me;
    me = f.agent;
    token = f.token;
    sessionStorage.setItem(TOKEN_KEY, token);
    credentials = null;
    queues = f.queues;
    quickReplies = f.quickReplies || [];
    slaSeconds = (f.slaWaitMinutes || 15) * 60;
    clockOffset = new Date(f.now).getTime() - Date.now();
    retryMs = 500;
    $('me').textContent = me.name + '（' + me.id + (me.role === 'supervisor' ? ' · 主管' : '') + '）';
    showStatus(f.status);
    $('login-view').hidden = true;
    $('app').hidden = false;
    setConn('已连接');
    if (!first) {
      // Chats not given back within a few seconds were taken back while the connection was down.
      order.forEach(function (id) { if (!chats[id].ended) { chats[id].confirmed = false; } });
      setTimeout(function () {
        order.forEach(function (id) {
          var c = chats[id];
          if (!c.ended && !c.confirmed) { end(c, '会话已不在你名下（断线期间回到了排队）'); }
        });
      }, 4000);
    }
  }

  function showStatus(status) {
    var s = $('status');
    s.value = status === 'away' ? 'away' : 'available';
    s.className = s.value;
  }

  function failed(f) {
    if (f.code === 'bad_credentials' || f.code === 'bad_token' || f.code === 'login_rate_limited') {
      forget();
      if (ws) { ws.onclose = null; ws.close(); ws = null; }
      order.slice().forEach(removeChat);
      showLogin(ERRORS[f.code]);
      return;
    }
    if (f.code === 'replaced') { return; }
    if (f.id && f.conversation && chats[f.conversation]) {
      var c = chats[f.conversation], p = c.pending[f.id];
      if (p && f.retryable && p.tries < 5) {
        p.tries++;
        setTimeout(function () { sendPending(c, f.id); }, 1500 * p.tries);
        return;
      }
      if (p) { p.el.classList.add('failed'); p.el.querySelector('.who').textContent = '发送失败：' + (ERRORS[f.code] || f.message); }
      return;
    }
    toast(ERRORS[f.code] || f.message);
  }

  // ---- waiting lines ----
  function setLine(line) {
    if (!lines[line.queue]) { lineOrder.push(line.queue); }
    var isNew = false;
    line.waiting.forEach(function (w) {
      if (!seenWaiting[w.conversation]) { seenWaiting[w.conversation] = true; isNew = true; }
    });
    lines[line.queue] = line;
    if (isNew && me) { alertNew('新排队'); }
  }

  function renderLines() {
    var box = $('lines');
    box.textContent = '';
    var total = 0;
    lineOrder.forEach(function (q) {
      var line = lines[q];
      total += line.waiting.length;
      var section = el('div', 'line');
      section.dataset.queue = q;
      var head = el('div', 'line-head');
      head.appendChild(el('span', '', line.queueName + '（' + line.waiting.length + '）'));
      head.appendChild(el('span', 'agents-available', line.agentsAvailable + ' 人在线接待'));
      section.appendChild(head);
      if (!line.waiting.length) {
        section.appendChild(el('p', 'line-empty', '暂无排队'));
      } else {
        var list = el('ul', 'waiting');
        line.waiting.forEach(function (w) { list.appendChild(waitingItem(w)); });
        section.appendChild(list);
      }
      box.appendChild(section);
    });
    var count = $('waiting-count');
    count.textContent = String(total);
    count.classList.toggle('busy', total > 0);
    updateTitle();
  }

  function waitingItem(w) {
    var li = el('li');
    li.dataset.conversation = w.conversation;
    if (w.slaBreached) { li.classList.add('late'); }
    if (w.requeued) { li.classList.add('requeued'); }
    li.appendChild(el('span', 'preview', w.preview || '（买家还没说话）'));
    var meta = el('span', 'meta');
    meta.appendChild(el('span', 'badge' + (w.priority >= 50 ? ' high' : ''), '优先级 ' + w.priority));
    if (w.trigger) { meta.appendChild(el('span', 'badge trigger', w.trigger)); }
    var time = el('span', 'wait-time', waitedText(w.waitingSince));
    time.dataset.since = w.waitingSince;
    meta.appendChild(time);
    if (w.requeued) { meta.appendChild(el('span', '', '重新排队')); }
    if (w.leaveMessage) { meta.appendChild(el('span', '', '留言')); }
    li.appendChild(meta);
    var claim = el('button', 'claim primary', '接入');
    claim.type = 'button';
    claim.setAttribute('aria-label', '接入会话：' + (w.preview || w.conversation));
    claim.addEventListener('click', function () {
      claim.disabled = true;
      send({ type: 'claim', conversation: w.conversation });
      setTimeout(function () { claim.disabled = false; }, 3000);
    });
    li.appendChild(claim);
    return li;
  }

  function tick() {
    var spans = document.querySelectorAll('.wait-time');
    for (var i = 0; i < spans.length; i++) {
      var since = spans[i].dataset.since;
      spans[i].textContent = waitedText(since);
      spans[i].classList.toggle('late', serverNow() - new Date(since).getTime() >= slaSeconds * 1000);
    }
  }
  setInterval(tick, 1000);

  function renderRoster() {
    var ul = $('roster');
    ul.textContent = '';
    roster.forEach(function (a) {
      var li = el('li');
      li.appendChild(el('span', a.status, (a.status === 'available' ? '● ' : '○ ') + a.name + (a.id === (me && me.id) ? '（我）' : '')));
      li.appendChild(el('span', '', a.openChats + '/' + a.maxChats));
      ul.appendChild(li);
    });
    order.forEach(function (id) { fillTransfer(chats[id]); });
  }

  // ---- chats ----
  function assigned(f) {
    var c = chats[f.conversation];
    if (!c) {
      c = newChat(f.conversation);
      if (!f.resumed) { alertNew('新会话'); }
    } else if (c.ended) {
      c.ended = false;
      c.endedBar.hidden = true;
      c.replyBox.hidden = false;
      c.quick.hidden = false;
      c.tab.classList.remove('ended');
    }
    c.confirmed = true;
    c.route = f.route || null;
    renderRoute(c);
    f.history.forEach(function (e) { add(c, e); });
    if (!active || !chats[active] || chats[active].ended) { select(f.conversation); }
    toggleEmpty();
  }

  function newChat(id) {
    var c = { id: id, events: {}, seqs: [], pending: {}, unread: 0, ended: false, confirmed: true, route: null,
      typingSent: 0, typingStop: null, buyerTypingTimer: null };
    chats[id] = c;
    order.push(id);

    var tab = el('button', 'tab');
    tab.type = 'button';
    tab.setAttribute('role', 'tab');
    tab.dataset.conversation = id;
    c.tabLabel = el('span', '', '买家 ' + id.slice(0, 4));
    c.unreadBadge = el('span', 'unread');
    c.unreadBadge.hidden = true;
    tab.appendChild(c.tabLabel);
    tab.appendChild(c.unreadBadge);
    tab.addEventListener('click', function () { select(id); });
    c.tab = tab;
    $('tabs').appendChild(tab);

    var pane = el('div', 'pane');
    pane.dataset.conversation = id;
    pane.setAttribute('role', 'tabpanel');
    pane.hidden = true;
    var head = el('div', 'chat-head');
    c.routeBox = el('div', 'route');
    head.appendChild(c.routeBox);
    c.transfer = el('select');
    c.transfer.setAttribute('aria-label', '转接给');
    head.appendChild(c.transfer);
    var transferButton = el('button', 'transfer', '转接');
    transferButton.type = 'button';
    transferButton.addEventListener('click', function () { transfer(c); });
    head.appendChild(transferButton);
    var close = el('button', 'close-chat danger', '结束会话');
    close.type = 'button';
    close.addEventListener('click', function () {
      if (window.confirm('结束这个会话？买家将被邀请评价。')) { send({ type: 'close', conversation: id }); }
    });
    head.appendChild(close);
    c.headButtons = [c.transfer, transferButton, close];
    pane.appendChild(head);

    c.history = el('div', 'history');
    c.history.setAttribute('role', 'log');
    c.history.setAttribute('aria-live', 'polite');
    pane.appendChild(c.history);
    c.typing = el('div', 'typing');
    pane.appendChild(c.typing);

    c.quick = el('div', 'quick');
    quickReplies.forEach(function (text) {
      var b = el('button', 'quick-reply', text);
      b.type = 'button';
      b.title = text;
      b.addEventListener('click', function () {
        c.input.value = c.input.value ? c.input.value + text : text;
        c.input.focus();
      });
      c.quick.appendChild(b);
    });
    pane.appendChild(c.quick);

    var form = el('form', 'reply');
    c.input = el('textarea');
    c.input.setAttribute('aria-label', '回复买家');
    c.input.placeholder = '输入回复，Enter 发送，Shift+Enter 换行';
    c.input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(c); }
    });
    c.input.addEventListener('input', function () { agentTyping(c); });
    form.appendChild(c.input);
    var sendButton = el('button', 'send primary', '发送');
    sendButton.type = 'submit';
    form.appendChild(sendButton);
    form.addEventListener('submit', function (e) { e.preventDefault(); submit(c); });
    c.replyBox = form;
    pane.appendChild(form);

    c.endedBar = el('div', 'ended-bar');
    c.endedText = el('span', '', '会话已结束');
    c.endedBar.appendChild(c.endedText);
    var dismiss = el('button', 'dismiss', '关闭标签');
    dismiss.type = 'button';
    dismiss.addEventListener('click', function () { removeChat(id); });
    c.endedBar.appendChild(dismiss);
    c.endedBar.hidden = true;
    pane.appendChild(c.endedBar);

    c.pane = pane;
    $('panes').appendChild(pane);
    fillTransfer(c);
    return c;
  }

  function renderRoute(c) {
    var box = c.routeBox;
    box.textContent = '';
    if (!c.route) { box.appendChild(el('span', '', '会话')); return; }
    box.appendChild(el('strong', '', c.route.queueName));
    if (c.route.trigger) { box.appendChild(el('span', 'badge trigger', '触发词：' + c.route.trigger)); }
    box.appendChild(el('span', 'badge' + (c.route.priority >= 50 ? ' high' : ''), '优先级 ' + c.route.priority));
    c.tabLabel.textContent = c.route.queueName + ' · ' + c.id.slice(0, 4);
  }

  function fillTransfer(c) {
    if (!c || !c.transfer) { return; }
    var s = c.transfer, keep = s.value;
    s.textContent = '';
    s.appendChild(new Option('转接到…', ''));
    var qs = document.createElement('optgroup');
    qs.label = '队列';
    queues.forEach(function (q) { qs.appendChild(new Option(q.name, 'queue:' + q.id)); });
    s.appendChild(qs);
    var people = document.createElement('optgroup');
    people.label = '同事（在线且有空位）';
    roster.forEach(function (a) {
      if (me && a.id !== me.id && a.status === 'available' && a.openChats < a.maxChats) {
        people.appendChild(new Option(a.name, 'agent:' + a.id));
      }
    });
    s.appendChild(people);
    s.value = keep;
  }

  function transfer(c) {
    var v = c.transfer.value;
    if (!v) { toast('请先选择转接的队列或同事'); return; }
    var i = v.indexOf(':'), kind = v.slice(0, i), target = v.slice(i + 1);
    send(kind === 'queue' ? { type: 'transfer', conversation: c.id, queue: target }
                          : { type: 'transfer', conversation: c.id, agent: target });
  }

  function select(id) {
    active = id;
    order.forEach(function (other) {
      var c = chats[other], on = other === id;
      c.pane.hidden = !on;
      c.tab.setAttribute('aria-selected', String(on));
      if (on) {
        c.unread = 0;
        c.unreadBadge.hidden = true;
        scrollDown(c);
      }
    });
    updateTitle();
  }

  function toggleEmpty() {
    $('no-chats').hidden = order.length > 0;
  }

  function removeChat(id) {
    var c = chats[id];
    if (!c) { return; }
    c.tab.remove();
    c.pane.remove();
    delete chats[id];
    order.splice(order.indexOf(id), 1);
    if (active === id) { active = null; if (order.length) { select(order[order.length - 1]); } }
    toggleEmpty();
    updateTitle();
  }

  function scrollDown(c) { c.history.scrollTop = c.history.scrollHeight; }

  /** Adds one event in seq order, once: a reconnect may bring some again. */
  function add(c, e) {
    if (c.events[e.seq]) { return false; }
    c.events[e.seq] = e;
    var node = render(e);
    node.dataset.seq = e.seq;
    // Find the first shown event with a higher seq, so that history and live frames interleave right.
    var i = c.seqs.length;
    while (i > 0 && c.seqs[i - 1] > e.seq) { i--; }
    var before = i < c.seqs.length ? c.history.querySelector('[data-seq="' + c.seqs[i] + '"]') : null;
    c.seqs.splice(i, 0, e.seq);
    if (e.type === 'agent_message' && c.pending[e.id]) {
      c.pending[e.id].el.remove();
      delete c.pending[e.id];
    }
    c.history.insertBefore(node, before);
    if (e.type === 'closed') { end(c, '会话已结束（' + (CLOSED_BY[e.by] || e.by) + '结束）'); }
    return true;
  }

  function render(e) {
    switch (e.type) {
      case 'buyer_message': return bubble('buyer', '买家 · ' + clockText(e.at), e.text);
      case 'bot_reply': {
        var b = bubble('bot', '小二（机器人）· ' + clockText(e.at), e.text);
        if (e.suggestions && e.suggestions.length) {
          var ul = el('ul', 'suggestions');
          e.suggestions.forEach(function (s) { ul.appendChild(el('li', '', s.question)); });
          b.appendChild(ul);
        }
        return b;
      }
      case 'agent_message': return bubble('agent', e.agentName + ' · ' + clockText(e.at), e.text);
      case 'system_notice': return el('div', 'note', '系统提示：' + e.text);
      case 'handoff':
        return el('div', 'note handoff', '转人工 → ' + e.queueName + (e.trigger ? '（触发词“' + e.trigger + '”）' : '')
          + (e.leaveMessage ? '，留言' : '') + ' · ' + clockText(e.at));
      case 'agent_joined': return el('div', 'note', e.agentName + ' 已接入 · ' + clockText(e.at));
      case 'agent_left': return el('div', 'note', e.agentName + ' 离开（' + (LEFT_BECAUSE[e.reason] || e.reason) + '）· ' + clockText(e.at));
      case 'flag': return el('div', 'note flag', '⚠ 风险提示：' + e.ruleName + (e.trigger ? '（“' + e.trigger + '”）' : ''));
      case 'closed': return el('div', 'note', '会话已结束（' + (CLOSED_BY[e.by] || e.by) + '）· ' + clockText(e.at));
      case 'rating':
        return el('div', 'note rating', '买家评价：' + '★★★★★'.slice(0, e.score) + '☆☆☆☆☆'.slice(0, 5 - e.score)
          + (e.comment ? '  “' + e.comment + '”' : ''));
      default: return el('div', 'note', e.type);
    }
  }

  function bubble(kind, who, text) {
    var m = el('div', 'msg ' + kind);
    m.appendChild(el('span', 'who', who));
    m.appendChild(el('div', 'bubble', text));
    return m;
  }

  function live(id, e) {
    var c = chats[id];
    if (!c) { return; }
    if (!add(c, e)) { return; }
    if (e.type === 'buyer_message') {
      showBuyerTyping(c, false);
      if (active !== id || document.hidden) {
        c.unread++;
        c.unreadBadge.textContent = String(c.unread);
        c.unreadBadge.hidden = false;
        beep();
      }
    }
    scrollDown(c);
    updateTitle();
  }

  function end(c, text) {
    c.ended = true;
    c.endedText.textContent = text;
    c.endedBar.hidden = false;
    c.replyBox.hidden = true;
    c.quick.hidden = true;
    c.headButtons.forEach(function (b) { b.disabled = true; });
    c.tab.classList.add('ended');
    showBuyerTyping(c, false);
  }

  function released(id, reason) {
    var c = chats[id];
    if (!c) { return; }
    end(c, RELEASED_BECAUSE[reason] || ('会话已不在你名下（' + reason + '）'));
    toast(RELEASED_BECAUSE[reason] || '会话已不在你名下');
  }

  // ---- replies ----
  function submit(c) {
    var text = c.input.value;
    if (!text.trim() || c.ended) { return; }
    var id = 'a' + Date.now().toString(36) + (++messageCounter);
    var node = bubble('agent pending', (me ? me.name : '') + ' · 发送中…', text);
    c.history.appendChild(node);
    c.pending[id] = { text: text, el: node, tries: 0 };
    c.input.value = '';
    stopTyping(c);
    sendPending(c, id);
    scrollDown(c);
  }

  function sendPending(c, id) {
    var p = c.pending[id];
    if (p && !send({ type: 'message', conversation: c.id, id: id, text: p.text })) {
      // Not connected: tried again on the next welcome by the retry below.
      setTimeout(function () { sendPending(c, id); }, 2000);
    }
  }

  function acked(f) {
    var c = chats[f.conversation];
    if (!c) { return; }
    var p = c.pending[f.id];
    if (p) {
      add(c, { seq: f.seq, at: new Date(serverNow()).toISOString(), type: 'agent_message', id: f.id,
        agentName: me.name, text: p.text });
    }
  }

  function agentTyping(c) {
    var now = Date.now();
    if (now - c.typingSent > TYPING_EVERY_MS) {
      c.typingSent = now;
      send({ type: 'typing', conversation: c.id, active: true });
    }
    clearTimeout(c.typingStop);
    c.typingStop = setTimeout(function () { stopTyping(c); }, TYPING_IDLE_MS);
  }

  function stopTyping(c) {
    clearTimeout(c.typingStop);
    if (c.typingSent) {
      c.typingSent = 0;
      send({ type: 'typing', conversation: c.id, active: false });
    }
  }

  function buyerTyping(id, activeNow) {
    var c = chats[id];
    if (c) { showBuyerTyping(c, activeNow); }
  }

  function showBuyerTyping(c, on) {
    clearTimeout(c.buyerTypingTimer);
    c.typing.textContent = on ? '买家正在输入…' : '';
    if (on) { c.buyerTypingTimer = setTimeout(function () { c.typing.textContent = ''; }, BUYER_TYPING_SHOWN_MS); }
  }

  // ---- start ----
  if (token) {
    connect();
  } else {
    showLogin('');
  }
}());
