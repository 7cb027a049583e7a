/*!
 * Xiaoer (店小二) chat widget. One tag on any page:
 *   <script src="https://GATEWAY/widget.js" data-title="…" data-color="#c2410c" defer></script>
 * Options (all optional): data-gateway (wss://…/ws/chat; default: this script's own host), data-title,
 * data-color, data-greeting, data-lang (zh | en), data-position (right | left), data-open.
 * Page scripts may call XiaoerWidget.open({draft}), XiaoerWidget.close(), XiaoerWidget.destroy().
 * Speaks the buyer protocol of docs/protocol.md. Everything lives in one shadow root; one global: XiaoerWidget.
 */
(function () {
  'use strict';

  if (window.XiaoerWidget) {
    return; // included twice: the first copy keeps the page
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Configuration
  // ---------------------------------------------------------------------------------------------------------------

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var data = (script && script.dataset) || {};

  function gatewayUrl() {
    var base = script && script.src ? script.src : location.href;
    var url;
    try {
      url = new URL(data.gateway || '/ws/chat', base);
    } catch (e) {
      url = new URL('/ws/chat', location.href);
    }
    if (url.protocol === 'https:') {
      url.protocol = 'wss:';
    } else if (url.protocol === 'http:') {
      url.protocol = 'ws:';
    }
    return url.href;
  }

  function flag(value) {
    return value !== undefined && value !== 'false' && value !== '0' && value !== 'no';
  }

  var cfg = {
    gateway: gatewayUrl(),
    lang: data.lang === 'en' ? 'en' : 'zh',
    title: data.title || '',
    color: data.color && window.CSS && CSS.supports('color', data.color) ? data.color : '#c2410c',
    greeting: data.greeting || '',
    left: data.position === 'left',
    startOpen: flag(data.open)
  };

  // ---------------------------------------------------------------------------------------------------------------
  // Every string the buyer sees, one table per language
  // ---------------------------------------------------------------------------------------------------------------

  var STRINGS = {
    zh: {
      title: '店小二 在线客服',
      open: '打开在线客服',
      unread: function (n) { return '（' + n + ' 条未读）'; },
      close: '收起聊天窗口',
      dialog: '在线客服聊天窗口',
      log: '聊天记录',
      bot: '店小二',
      botRole: '智能助手',
      agentRole: '人工客服',
      me: '我',
      said: function (who) { return who + '说：'; },
      connecting: '连接中…',
      online: '在线',
      offline: '网络已断开，正在重连…',
      serviceBot: '智能客服为您服务',
      serviceWaiting: '正在等待人工客服',
      serviceAgent: function (name) { return '人工客服 ' + name + ' 为您服务'; },
      serviceClosed: '本次会话已结束',
      hot: '猜你想问',
      suggestions: '相关问题',
      placeholder: '请输入您的问题…',
      input: '输入消息（Enter 发送，Shift+Enter 换行）',
      send: '发送',
      human: '转人工',
      humanText: '转人工',
      humanLabel: '转接人工客服',
      end: '结束对话',
      endAsk: '结束本次对话？',
      endYes: '结束',
      endNo: '取消',
      sending: '发送中…',
      waitingNetwork: '等待网络，恢复后自动发送',
      failed: '未发送',
      edit: '重新编辑',
      errors: {
        text_too_long: '消息太长了，请分成几条发送',
        empty_message: '不能发送空白消息',
        invalid_field: '消息格式有误，未能发送',
        missing_field: '消息格式有误，未能发送',
        other: '发送失败'
      },
      newSession: '新的会话',
      queued: function (name) { return '已为您转接' + (name || '人工客服') + '，请稍候'; },
      leaveMessage: '已为您留言，客服回来后第一时间回复',
      place: function (pos) { return '您排在第 ' + pos + ' 位'; },
      eta: function (text) { return '预计等待' + text; },
      minutes: function (m) { return '约 ' + m + ' 分钟'; },
      underMinute: '不到 1 分钟',
      waitingIn: function (name) { return '排队中 · ' + name; },
      waitingLeave: '已留言 · 客服回来后回复',
      joined: function (name) { return name + ' 已接入'; },
      left: function (name) { return name + ' 已离开会话'; },
      typing: '对方正在输入…',
      closed: '本次会话已结束',
      rateTitle: '请为本次服务评分',
      star: function (n) { return n + ' 星'; },
      comment: '还有什么想对我们说的？（选填）',
      commentLabel: '评价内容（选填）',
      submit: '提交评价',
      submitting: '提交中…',
      rated: function (score) { return '感谢您的评价！' + stars(score); },
      newMessages: '有新消息'
    },
    en: {
      title: 'Customer service',
      open: 'Open the chat',
      unread: function (n) { return ' (' + n + ' unread)'; },
      close: 'Minimise the chat',
      dialog: 'Customer service chat',
      log: 'Conversation',
      bot: 'Xiaoer',
      botRole: 'assistant',
      agentRole: 'customer service',
      me: 'Me',
      said: function (who) { return who + ' said: '; },
      connecting: 'Connecting…',
      online: 'Online',
      offline: 'Offline, reconnecting…',
      serviceBot: 'Our assistant is here to help',
      serviceWaiting: 'Waiting for a person',
      serviceAgent: function (name) { return name + ' is looking after you'; },
      serviceClosed: 'This conversation has ended',
      hot: 'Popular questions',
      suggestions: 'Related questions',
      placeholder: 'Type your question…',
      input: 'Message (Enter to send, Shift+Enter for a new line)',
      send: 'Send',
      human: 'Talk to a person',
      humanText: '转人工',
      humanLabel: 'Talk to a person',
      end: 'End chat',
      endAsk: 'End this conversation?',
      endYes: 'End',
      endNo: 'Cancel',
      sending: 'Sending…',
      waitingNetwork: 'Waiting for the network; it will be sent',
      failed: 'Not sent',
      edit: 'Edit again',
      errors: {
        text_too_long: 'This message is too long; please split it up',
        empty_message: 'An empty message cannot be sent',
        invalid_field: 'This message could not be sent',
        missing_field: 'This message could not be sent',
        other: 'Could not be sent'
      },
      newSession: 'New conversation',
      queued: function (name) { return 'You are being put through to ' + (name || 'a person') + ', please wait'; },
      leaveMessage: 'Message left: our people answer when they are back',
      place: function (pos) { return 'You are number ' + pos + ' in line'; },
      eta: function (text) { return 'expected wait ' + text; },
      minutes: function (m) { return 'about ' + m + ' min'; },
      underMinute: 'under a minute',
      waitingIn: function (name) { return 'In line · ' + name; },
      waitingLeave: 'Message left · they answer when back',
      joined: function (name) { return name + ' has joined'; },
      left: function (name) { return name + ' has left the conversation'; },
      typing: 'Typing…',
      closed: 'This conversation has ended',
      rateTitle: 'How did we do?',
      star: function (n) { return n === 1 ? '1 star' : n + ' stars'; },
      comment: 'Anything else you want to tell us? (optional)',
      commentLabel: 'Comment (optional)',
      submit: 'Send rating',
      submitting: 'Sending…',
      rated: function (score) { return 'Thank you for rating us! ' + stars(score); },
      newMessages: 'New messages'
    }
  };
  var T = STRINGS[cfg.lang];

  function stars(score) {
    var n = Math.max(0, Math.min(5, Math.round(Number(score) || 0)));
    return '★★★★★'.slice(0, n) + '☆☆☆☆☆'.slice(n);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // State and storage
  //
  // localStorage (keyed by gateway URL, shared by the shop's tabs) keeps the session, its token, lastSeq, the
  // transcript and the outbox. sessionStorage (one tab) keeps whether the panel is open and the unsent draft.
  // ---------------------------------------------------------------------------------------------------------------

  var KEY = 'xiaoer-widget:' + cfg.gateway;
  var MAX_ITEMS = 400;
  var SESSION_SPAN = 1e9;     // order key of an item: session ordinal * SESSION_SPAN + seq
  var PENDING = 9e15;         // order key of a message not yet stored: after everything
  var ACK_TIMEOUT = 15000;    // a message not acked after this long is sent again (same id: never doubled)
  var PING_EVERY = 25000;
  var PONG_WITHIN = 10000;
  var STABLE_AFTER = 10000;   // a connection that lasts this long resets the back-off
  var BACKOFF_FIRST = 500;
  var BACKOFF_MAX = 30000;
  var TYPING_FOR = 8000;

  function storageOf(name) {
    try {
      var s = window[name];
      var probe = '__xiaoer_probe__';
      s.setItem(probe, '1');
      s.removeItem(probe);
      return s;
    } catch (e) {
      return null; // private mode, blocked cookies: the widget still works, only without memory across loads
    }
  }

  var local = storageOf('localStorage');
  var tab = storageOf('sessionStorage');

  function fresh() {
    return {
      v: 1,
      session: null,
      token: null,
      lastSeq: 0,
      ord: 0,          // grows with each session started or forgotten: orders sessions, settles tabs
      conv: null,      // bot | waiting | with_agent | closed
      place: null,     // {queue, position, etaSeconds}
      queueName: '',
      leave: false,
      agent: '',
      rated: false,
      pendingRate: null,
      items: [],
      outbox: []       // {id, text, faqId, tries, retryAt}
    };
  }

  function readStored() {
    if (!local) {
      return null;
    }
    try {
      var s = JSON.parse(local.getItem(KEY) || 'null');
      return s && s.v === 1 && Array.isArray(s.items) && Array.isArray(s.outbox) ? s : null;
    } catch (e) {
      return null;
    }
  }

  var st = readStored() || fresh();
  st.items.sort(function (a, b) { return a.o - b.o; });

  var saveTimer = 0;
  var done = new Set(); // ids this tab took out of the outbox (stored or refused): never merged back in

  function save(now) {
    if (!local) {
      return;
    }
    if (!now) {
      if (!saveTimer) {
        saveTimer = setTimeout(function () { save(true); }, 60);
      }
      return;
    }
    clearTimeout(saveTimer);
    saveTimer = 0;
    var stored = readStored();
    if (stored && newerSession(stored)) {
      adopt(stored);
      return;
    }
    // Another tab may have queued messages since we last looked: keep them (unless we know they were stored).
    var outbox = st.outbox.slice();
    if (stored && stored.session === st.session) {
      stored.outbox.forEach(function (m) {
        if (!done.has(m.id) && !outbox.some(function (o) { return o.id === m.id; }) && !storedMessage(m.id)) {
          outbox.push(m);
        }
      });
    }
    var items = st.items.length > MAX_ITEMS ? st.items.slice(st.items.length - MAX_ITEMS) : st.items;
    var copy = {};
    Object.keys(st).forEach(function (k) { copy[k] = st[k]; });
    copy.items = items;
    copy.outbox = outbox;
    try {
      local.setItem(KEY, JSON.stringify(copy));
    } catch (e) {
      // Quota: drop the older half of the transcript and try once more; the outbox is never dropped.
      copy.items = items.slice(Math.floor(items.length / 2));
      try {
        local.setItem(KEY, JSON.stringify(copy));
      } catch (ignored) {
        // nothing more to do; the tab keeps working from memory
      }
    }
  }

  /** Whether a stored state belongs to a session started after ours (by another tab): then it wins. */
  function newerSession(stored) {
    if (!stored.session || stored.session === st.session) {
      return false;
    }
    // Two tabs that started a conversation at the same moment settle on the same one, whichever it is.
    return stored.ord > st.ord || (stored.ord === st.ord && !!st.session && stored.session > st.session);
  }

  function storedMessage(id) {
    return st.items.some(function (i) { return i.k === 'buyer' && i.id === id && i.seq; });
  }

  function tabGet(name) {
    try {
      return tab ? tab.getItem(KEY + ':' + name) : null;
    } catch (e) {
      return null;
    }
  }

  function tabSet(name, value) {
    try {
      if (tab) {
        if (value === null) {
          tab.removeItem(KEY + ':' + name);
        } else {
          tab.setItem(KEY + ':' + name, value);
        }
      }
    } catch (e) {
      // full or blocked: not worth more than a lost draft
    }
  }

  function newId() {
    var bytes = new Uint8Array(8);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    var hex = '';
    for (var i = 0; i < bytes.length; i++) {
      hex += (bytes[i] + 256).toString(16).slice(1);
    }
    return 'w' + Date.now().toString(36) + '-' + hex;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The DOM: a host element with inline !important styles (no page rule can hide or move it) and a shadow root
  // ---------------------------------------------------------------------------------------------------------------

  var CSS_TEXT = [
    ':host{all:initial}',
    '[hidden]{display:none!important}',
    '.root{all:initial;font-family:system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",',
    '"Noto Sans CJK SC","Source Han Sans SC",sans-serif;font-size:15px;line-height:1.55;color:#1f2329;',
    '-webkit-text-size-adjust:100%;text-size-adjust:100%}',
    '.root *,.root *::before,.root *::after{box-sizing:border-box}',
    'button,textarea,input{font:inherit;color:inherit;margin:0}',
    'textarea::placeholder{color:#6b7075;opacity:1}',
    'button{cursor:pointer}',
    ':focus-visible{outline:3px solid var(--ring);outline-offset:2px}',
    '.sr{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;',
    'clip:rect(0 0 0 0);white-space:nowrap;border:0}',

    /* launcher */
    '.launcher{position:fixed;bottom:calc(20px + env(safe-area-inset-bottom,0px));right:20px;width:60px;',
    'height:60px;border-radius:50%;border:0;background:var(--accent);color:var(--on-accent);display:flex;',
    'align-items:center;justify-content:center;box-shadow:0 6px 20px rgba(0,0,0,.22);',
    'transition:transform .15s ease,box-shadow .15s ease;z-index:1}',
    '.left .launcher{right:auto;left:20px}',
    '.launcher:hover{transform:translateY(-2px);box-shadow:0 10px 26px rgba(0,0,0,.26)}',
    '.launcher svg{width:30px;height:30px}',
    '.badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;border-radius:11px;',
    'background:#d93025;color:#fff;font-size:12px;font-weight:700;line-height:22px;text-align:center;',
    'box-shadow:0 0 0 2px #fff}',

    /* panel */
    '.panel{position:fixed;right:20px;bottom:calc(92px + env(safe-area-inset-bottom,0px));width:380px;',
    'height:min(640px,calc(100vh - 120px));display:flex;flex-direction:column;background:#fff;',
    'border-radius:16px;overflow:hidden;box-shadow:0 16px 48px rgba(0,0,0,.22),0 2px 8px rgba(0,0,0,.08);',
    'animation:pop .18s ease-out}',
    '.left .panel{right:auto;left:20px}',
    '@keyframes pop{from{opacity:0;transform:translateY(12px) scale(.98)}to{opacity:1;transform:none}}',

    '.head{display:flex;align-items:center;gap:12px;padding:14px 12px 14px 16px;background:var(--accent);',
    'color:var(--on-accent);flex:none}',
    '.avatar{flex:none;width:36px;height:36px;border-radius:50%;display:flex;align-items:center;',
    'justify-content:center;font-size:15px;font-weight:700}',
    '.head .avatar{background:rgba(255,255,255,.2);border:1px solid rgba(255,255,255,.35)}',
    '.head .avatar svg{width:22px;height:22px}',
    '.titles{flex:1;min-width:0}',
    '.title{margin:0;font-size:16px;font-weight:700;line-height:1.3;white-space:nowrap;overflow:hidden;',
    'text-overflow:ellipsis}',
    '.status{display:flex;align-items:center;gap:6px;font-size:12.5px;line-height:1.4;opacity:.95;',
    'white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.dot{flex:none;width:8px;height:8px;border-radius:50%;background:#9aa0a6;box-shadow:0 0 0 2px rgba(255,255,255,.6)}',
    '.conn-online .dot{background:#34c759}',
    '.conn-connecting .dot{background:#fbbc04}',
    '.conn-offline .dot{background:#ea4335}',
    '.iconbtn{flex:none;width:40px;height:40px;border:0;border-radius:10px;background:transparent;',
    'color:inherit;display:flex;align-items:center;justify-content:center}',
    '.iconbtn:hover{background:rgba(255,255,255,.18)}',
    '.iconbtn svg{width:22px;height:22px}',

    '.queue{flex:none;display:flex;gap:10px;align-items:flex-start;padding:10px 16px;background:#fff8e6;',
    'border-bottom:1px solid #f5e3b3;color:#5c4300;font-size:13.5px;line-height:1.45}',
    '.queue strong{display:block;font-weight:700;color:#3d2c00}',
    '.queue .ico{font-size:18px;line-height:1.2}',

    '.log{flex:1;min-height:0;overflow-y:auto;overscroll-behavior:contain;padding:16px 14px 8px;',
    'background:#f4f5f7;display:flex;flex-direction:column;gap:12px}',
    '.row{display:flex;gap:8px;align-items:flex-start;max-width:100%}',
    '.row.me{flex-direction:row-reverse}',
    '.row .avatar{width:32px;height:32px;font-size:13px}',
    '.bot .avatar{background:#e8eaed;color:#3c4043}',
    '.bot .avatar svg{width:20px;height:20px}',
    '.agent .avatar{background:var(--accent);color:var(--on-accent)}',
    '.col{display:flex;flex-direction:column;gap:6px;min-width:0;max-width:82%}',
    '.me .col{align-items:flex-end}',
    '.who{font-size:12px;color:#5f6368;line-height:1.2}',
    '.who b{font-weight:600;color:#3c4043}',
    '.tag{display:inline-block;margin-left:6px;padding:1px 6px;border-radius:4px;font-size:11px;',
    'background:#e8eaed;color:#3c4043}',
    '.agent .tag{background:#e6f4ea;color:#137333}',
    '.bubble{padding:9px 13px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;word-break:normal}',
    '.bot .bubble{background:#fff;border:1px solid #e3e5e8;border-top-left-radius:4px}',
    '.agent .bubble{background:#eaf3ff;border:1px solid #c9defc;border-top-left-radius:4px}',
    '.me .bubble{background:var(--accent);color:var(--on-accent);border-top-right-radius:4px}',
    '.bubble a{color:#0b57d0;text-decoration:underline}',
    '.me .bubble a{color:inherit}',
    '.meta{font-size:12px;color:#5f6368;display:flex;gap:8px;align-items:center}',
    '.meta.bad{color:#b3261e}',
    '.linkbtn{border:0;background:none;padding:0;color:#0b57d0;text-decoration:underline;font-size:12px}',
    '.chips{display:flex;flex-wrap:wrap;gap:8px}',
    '.chips-title{font-size:12px;color:#5f6368;width:100%}',
    '.chip{border:1px solid var(--accent);background:#fff;color:#1f2329;border-radius:999px;padding:6px 12px;',
    'font-size:13.5px;line-height:1.35;text-align:left}',
    '.chip:hover{background:var(--tint)}',
    '.note{align-self:center;max-width:92%;text-align:center;font-size:12.5px;line-height:1.5;color:#3c4043;',
    'background:#e6e8eb;border-radius:12px;padding:5px 12px}',
    '.note.strong{background:#fff;border:1px solid var(--accent);color:#1f2329;font-weight:600}',
    '.divider{display:flex;align-items:center;gap:10px;color:#5f6368;font-size:12px}',
    '.divider::before,.divider::after{content:"";flex:1;height:1px;background:#d7dadf}',
    '.greet{display:flex;flex-direction:column;gap:12px}',

    '.typing{flex:none;padding:4px 18px 6px;font-size:12.5px;color:#5f6368;background:#f4f5f7;display:flex;',
    'gap:6px;align-items:center}',
    '.typing i{width:5px;height:5px;border-radius:50%;background:#9aa0a6;animation:blink 1.2s infinite}',
    '.typing i:nth-child(2){animation-delay:.2s}.typing i:nth-child(3){animation-delay:.4s}',
    '@keyframes blink{0%,80%,100%{opacity:.25}40%{opacity:1}}',
    '.jump{position:absolute;left:50%;transform:translateX(-50%);bottom:8px;border:0;border-radius:999px;',
    'padding:6px 14px;background:#1f2329;color:#fff;font-size:12.5px;box-shadow:0 4px 12px rgba(0,0,0,.2)}',
    '.logwrap{position:relative;flex:1;min-height:0;display:flex;flex-direction:column}',

    '.rate{flex:none;border-top:1px solid #e3e5e8;padding:12px 16px;background:#fff}',
    '.rate fieldset{border:0;margin:0;padding:0;min-width:0}',
    '.rate legend{padding:0;font-weight:700;font-size:14px;margin-bottom:4px}',
    '.stars{display:flex;gap:2px}',
    '.stars input{position:absolute;opacity:0;width:1px;height:1px}',
    '.stars label{font-size:30px;line-height:1;color:#80868b;cursor:pointer;padding:2px}',
    '.stars label.on{color:#f5a623}',
    '.stars:hover label{color:#f5a623}.stars label:hover~label{color:#80868b}',
    '.stars input:focus-visible+label{outline:3px solid var(--ring);outline-offset:1px;border-radius:4px}',
    '.rate textarea{display:block;width:100%;margin-top:8px;min-height:44px;max-height:96px;resize:none;',
    'border:1px solid #80868b;border-radius:10px;padding:8px 10px;font-size:16px;background:#fff;color:#1f2329}',
    '.rate .actions{display:flex;justify-content:flex-end;margin-top:8px}',

    '.compose{flex:none;border-top:1px solid #e3e5e8;background:#fff;padding:8px 12px ',
    'calc(10px + env(safe-area-inset-bottom,0px))}',
    '.tools{display:flex;gap:8px;margin-bottom:8px}',
    '.tool{display:inline-flex;align-items:center;gap:4px;border:1px solid #80868b;background:#fff;',
    'border-radius:999px;padding:4px 12px;font-size:13px;color:#3c4043}',
    '.tool:hover{background:#f1f3f4}',
    '.tools .ask{align-self:center;font-size:13px;color:#3c4043}',
    '.tool.danger{border-color:#b3261e;color:#b3261e}',
    '.line{display:flex;gap:8px;align-items:flex-end}',
    '.line textarea{flex:1;min-width:0;resize:none;border:1px solid #80868b;border-radius:20px;',
    'padding:10px 14px;font-size:16px;line-height:1.4;min-height:44px;max-height:132px;background:#fff;color:#1f2329}',
    '.line textarea:focus{border-color:var(--accent);outline:none;box-shadow:0 0 0 3px var(--tint)}',
    '.primary{border:0;border-radius:999px;background:var(--accent);color:var(--on-accent);font-weight:600}',
    '.primary:disabled{opacity:.45;cursor:default}',
    '.sendbtn{flex:none;width:44px;height:44px;display:flex;align-items:center;justify-content:center}',
    '.sendbtn svg{width:20px;height:20px}',
    '.rate .primary{padding:8px 18px;font-size:14px}',

    '@media (max-width:600px){',
    '.panel{inset:0;width:auto;height:100%;border-radius:0;',
    'padding-left:env(safe-area-inset-left,0px);padding-right:env(safe-area-inset-right,0px)}',
    '.left .panel{left:0;right:0}',
    '.head{padding-top:calc(12px + env(safe-area-inset-top,0px))}',
    '.opened .launcher{display:none}',
    '.col{max-width:86%}}',

    '@media (prefers-reduced-motion:reduce){*,*::before,*::after{animation:none!important;',
    'transition:none!important;scroll-behavior:auto!important}}'
  ].join('');

  // Icons as data, built with DOM calls: no innerHTML anywhere, so pages with Trusted Types enforced work too.
  var ICON_CHAT = {sw: '2', parts: [
    ['path', {d: 'M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z'}],
    ['path', {d: 'M8.5 12h.01M12 12h.01M15.5 12h.01', 'stroke-width': '3'}]]};
  var ICON_BOT = {sw: '1.8', parts: [
    ['rect', {x: '4', y: '8', width: '16', height: '11', rx: '3'}],
    ['path', {d: 'M12 4v4M9 13h.01M15 13h.01M9.5 16h5'}]]};
  var ICON_CLOSE = {sw: '2.2', parts: [['path', {d: 'M6 9l6 6 6-6'}]]};
  var ICON_SEND = {fill: true, parts: [['path', {d: 'M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z'}]]};

  function icon(spec) {
    var NS = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(NS, 'svg');
    var look = spec.fill ? {fill: 'currentColor'} : {
      fill: 'none', stroke: 'currentColor', 'stroke-width': spec.sw, 'stroke-linecap': 'round',
      'stroke-linejoin': 'round'
    };
    look.viewBox = '0 0 24 24';
    look['aria-hidden'] = 'true';
    look.focusable = 'false';
    attrs(svg, look);
    spec.parts.forEach(function (part) {
      svg.appendChild(attrs(document.createElementNS(NS, part[0]), part[1]));
    });
    return svg;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined && text !== null) {
      e.textContent = text;
    }
    return e;
  }

  function attrs(e, map) {
    Object.keys(map).forEach(function (k) { e.setAttribute(k, map[k]); });
    return e;
  }

  var host = document.createElement('xiaoer-chat');
  // Inline !important beats every page rule, so "* { all: unset }" or "xiaoer-chat { display: none }" cannot
  // hide or move the widget; inside, the shadow root keeps the page's selectors out and ours in. Set through the
  // CSSOM, not a style attribute, which a strict Content-Security-Policy (no 'unsafe-inline') would drop.
  [['all', 'initial'], ['display', 'block'], ['position', 'fixed'], ['top', '0'], ['left', '0'], ['width', '0'],
    ['height', '0'], ['overflow', 'visible'], ['z-index', '2147483000'], ['visibility', 'visible'],
    ['opacity', '1'], ['transform', 'none'], ['pointer-events', 'auto']].forEach(function (p) {
    host.style.setProperty(p[0], p[1], 'important');
  });
  var shadow = host.attachShadow({mode: 'open'});
  if (shadow.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === 'function'
      && 'replaceSync' in CSSStyleSheet.prototype) {
    // A constructed stylesheet is not subject to the page's style-src policy; a <style> element is.
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS_TEXT);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    var style = el('style');
    style.textContent = CSS_TEXT;
    shadow.appendChild(style);
  }

  var root = el('div', 'root' + (cfg.left ? ' left' : ''));
  attrs(root, {lang: cfg.lang === 'en' ? 'en' : 'zh-CN'});
  shadow.appendChild(root);

  var launcher = attrs(el('button', 'launcher'), {
    type: 'button', 'aria-label': T.open, 'aria-expanded': 'false', 'aria-controls': 'xw-panel'
  });
  launcher.appendChild(icon(ICON_CHAT));
  var badge = el('span', 'badge');
  badge.hidden = true;
  badge.setAttribute('aria-hidden', 'true');
  launcher.appendChild(badge);

  var panel = attrs(el('section', 'panel'), {
    id: 'xw-panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'xw-title'
  });
  panel.hidden = true;

  var head = el('header', 'head');
  var headAvatar = el('div', 'avatar');
  headAvatar.appendChild(icon(ICON_CHAT));
  var titles = el('div', 'titles');
  var titleEl = attrs(el('h2', 'title', cfg.title || T.title), {id: 'xw-title'});
  var statusEl = attrs(el('div', 'status conn-connecting'), {role: 'status'});
  var statusDot = attrs(el('span', 'dot'), {'aria-hidden': 'true'});
  var statusText = el('span', '', '');
  statusEl.appendChild(statusDot);
  statusEl.appendChild(statusText);
  titles.appendChild(titleEl);
  titles.appendChild(statusEl);
  var closeBtn = attrs(el('button', 'iconbtn close'), {type: 'button', 'aria-label': T.close, title: T.close});
  closeBtn.appendChild(icon(ICON_CLOSE));
  head.appendChild(headAvatar);
  head.appendChild(titles);
  head.appendChild(closeBtn);

  var queueEl = attrs(el('div', 'queue'), {role: 'status', 'aria-live': 'polite'});
  queueEl.hidden = true;

  var logWrap = el('div', 'logwrap');
  var log = attrs(el('div', 'log'), {
    role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': T.log, tabindex: '0'
  });
  var jump = attrs(el('button', 'jump', '↓ ' + T.newMessages), {type: 'button'});
  jump.hidden = true;
  logWrap.appendChild(log);
  logWrap.appendChild(jump);

  var typingEl = attrs(el('div', 'typing'), {'aria-live': 'polite'});
  typingEl.hidden = true;

  var rateBox = el('div', 'rate');
  rateBox.hidden = true;

  var compose = el('form', 'compose');
  compose.setAttribute('novalidate', '');
  var tools = el('div', 'tools');
  var humanBtn = attrs(el('button', 'tool human', T.human), {type: 'button', 'aria-label': T.humanLabel});
  // Ending the chat is offered only while people are involved (waiting or talking); it asks once before it acts.
  var endBtn = attrs(el('button', 'tool end', T.end), {type: 'button'});
  var endAsk = el('span', 'ask', T.endAsk);
  var endYes = attrs(el('button', 'tool danger end-yes', T.endYes), {type: 'button'});
  var endNo = attrs(el('button', 'tool end-no', T.endNo), {type: 'button'});
  tools.appendChild(humanBtn);
  tools.appendChild(endBtn);
  tools.appendChild(endAsk);
  tools.appendChild(endYes);
  tools.appendChild(endNo);
  var line = el('div', 'line');
  var input = attrs(el('textarea', 'input'), {
    rows: '1', 'aria-label': T.input, placeholder: T.placeholder, enterkeyhint: 'send', autocomplete: 'off'
  });
  var sendBtn = attrs(el('button', 'primary sendbtn'), {type: 'submit', 'aria-label': T.send, title: T.send});
  sendBtn.appendChild(icon(ICON_SEND));
  line.appendChild(input);
  line.appendChild(sendBtn);
  compose.appendChild(tools);
  compose.appendChild(line);

  panel.appendChild(head);
  panel.appendChild(queueEl);
  panel.appendChild(logWrap);
  panel.appendChild(typingEl);
  panel.appendChild(rateBox);
  panel.appendChild(compose);
  root.appendChild(panel);
  root.appendChild(launcher);

  applyColors();

  /** The accent, a tint of it, and whichever text colour (white or near-black) reads better on it. */
  function applyColors() {
    var probe = el('span');
    probe.style.color = cfg.color;
    root.appendChild(probe);
    var rgb = (getComputedStyle(probe).color.match(/[\d.]+/g) || [194, 65, 12]).map(Number);
    root.removeChild(probe);
    var lum = luminance(rgb);
    var onAccent = contrast(lum, 1) >= contrast(lum, luminance([31, 35, 41])) ? '#ffffff' : '#1f2329';
    root.style.setProperty('--accent', cfg.color);
    root.style.setProperty('--on-accent', onAccent);
    root.style.setProperty('--tint', 'rgba(' + rgb[0] + ',' + rgb[1] + ',' + rgb[2] + ',.12)');
    // A focus ring must show against white and against the accent: dark accents keep it, light ones get ink.
    root.style.setProperty('--ring', contrast(lum, 1) >= 3 ? cfg.color : '#1f2329');
  }

  function luminance(rgb) {
    var c = rgb.slice(0, 3).map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }

  function contrast(a, b) {
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Rendering the transcript
  // ---------------------------------------------------------------------------------------------------------------

  var nodes = new Map(); // item -> element

  /** Text with http(s) links made clickable; built from text nodes and <a> elements, never from HTML. */
  function linkify(parent, text) {
    var re = /https?:\/\/[A-Za-z0-9\-._~:\/?#\[\]@!$&'()*+,;=%]+/g;
    var last = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      var href = m[0].replace(/[.,;:!?'()\]]+$/, '');
      var url = null;
      try {
        url = new URL(href);
      } catch (e) {
        url = null;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        continue;
      }
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = attrs(el('a', '', href), {href: url.href, target: '_blank', rel: 'noopener noreferrer'});
      parent.appendChild(a);
      last = m.index + href.length;
      re.lastIndex = last;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function timeOf(at) {
    if (!at) {
      return '';
    }
    var d = new Date(at);
    return isNaN(d.getTime()) ? '' : d.toLocaleString(cfg.lang === 'en' ? 'en' : 'zh-CN');
  }

  function chips(list, heading) {
    var box = attrs(el('div', 'chips'), {role: 'group', 'aria-label': heading});
    box.appendChild(attrs(el('div', 'chips-title', heading), {'aria-hidden': 'true'}));
    list.forEach(function (q) {
      var b = attrs(el('button', 'chip', q.question), {type: 'button'});
      b.dataset.faqId = q.id;
      b.addEventListener('click', function () {
        sendMessage(q.question, q.id);
      });
      box.appendChild(b);
    });
    return box;
  }

  function speaker(kind, name, role, text, at, extra) {
    var row = el('div', 'row ' + kind);
    var avatar = attrs(el('div', 'avatar'), {'aria-hidden': 'true'});
    if (kind === 'bot') {
      avatar.appendChild(icon(ICON_BOT));
    } else {
      avatar.textContent = (name || '客').slice(0, 1);
    }
    var col = el('div', 'col');
    var who = attrs(el('div', 'who'), {'aria-hidden': 'true'});
    who.appendChild(el('b', '', name));
    who.appendChild(el('span', 'tag', role));
    var bubble = el('div', 'bubble');
    if (at) {
      bubble.title = timeOf(at);
    }
    bubble.appendChild(el('span', 'sr', T.said(name)));
    linkify(bubble, text);
    col.appendChild(who);
    col.appendChild(bubble);
    if (extra) {
      col.appendChild(extra);
    }
    row.appendChild(avatar);
    row.appendChild(col);
    return row;
  }

  function render(item) {
    switch (item.k) {
      case 'greet': {
        var box = el('div', 'greet');
        if (item.div) {
          box.appendChild(attrs(el('div', 'divider', T.newSession), {role: 'separator'}));
        }
        box.appendChild(speaker('bot', T.bot, T.botRole, item.text, null,
          item.hot && item.hot.length ? chips(item.hot, T.hot) : null));
        return box;
      }
      case 'bot':
        return speaker('bot', T.bot, T.botRole, item.text, item.at,
          item.sugg && item.sugg.length ? chips(item.sugg, T.suggestions) : null);
      case 'agent':
        return speaker('agent', item.name || T.agentRole, T.agentRole, item.text, item.at, null);
      case 'buyer':
        return buyerRow(item);
      case 'sys':
        return el('div', 'note', item.text);
      case 'queued':
        return el('div', 'note strong', item.leave ? T.leaveMessage : T.queued(item.queueName));
      case 'joined':
        return el('div', 'note strong', T.joined(item.name));
      case 'left':
        return el('div', 'note', T.left(item.name));
      case 'closed':
        return el('div', 'note', T.closed);
      case 'rated':
        return el('div', 'note', T.rated(item.score));
      default:
        return el('div', 'note', '');
    }
  }

  function buyerRow(item) {
    var row = el('div', 'row me');
    var col = el('div', 'col');
    var bubble = el('div', 'bubble');
    bubble.appendChild(el('span', 'sr', T.said(T.me)));
    bubble.appendChild(document.createTextNode(item.text));
    if (item.at) {
      bubble.title = timeOf(item.at);
    }
    col.appendChild(bubble);
    if (item.st === 'sending') {
      col.appendChild(el('div', 'meta', conn === 'online' ? T.sending : T.waitingNetwork));
    } else if (item.st === 'failed') {
      var meta = el('div', 'meta bad', T.failed + '：' + (T.errors[item.err] || T.errors.other));
      var again = attrs(el('button', 'linkbtn', T.edit), {type: 'button'});
      again.addEventListener('click', function () {
        input.value = item.text;
        removeItem(item);
        save(false);
        autoGrow();
        saveDraft();
        input.focus();
      });
      meta.appendChild(again);
      col.appendChild(meta);
    }
    row.appendChild(col);
    row.dataset.id = item.id;
    return row;
  }

  function nearBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
    jump.hidden = true;
  }

  /** Inserts an item at its place in the order (seq within its session; unsent messages last). */
  function addItem(item, own) {
    var stick = own || nearBottom();
    var i = st.items.length;
    while (i > 0 && st.items[i - 1].o > item.o) {
      i--;
    }
    st.items.splice(i, 0, item);
    var node = render(item);
    nodes.set(item, node);
    var next = st.items[i + 1];
    log.insertBefore(node, next ? nodes.get(next) || null : null);
    if (stick) {
      scrollToEnd();
    } else if (!panel.hidden) {
      jump.hidden = false;
    }
    trimItems();
    return item;
  }

  function removeItem(item) {
    var i = st.items.indexOf(item);
    if (i >= 0) {
      st.items.splice(i, 1);
    }
    var node = nodes.get(item);
    if (node && node.parentNode) {
      node.parentNode.removeChild(node);
    }
    nodes.delete(item);
  }

  function rerender(item) {
    var old = nodes.get(item);
    var node = render(item);
    nodes.set(item, node);
    if (old && old.parentNode) {
      old.parentNode.replaceChild(node, old);
    }
  }

  /** Moves an item whose order key changed (a message that got its seq). */
  function reorder(item) {
    var stick = nearBottom();
    removeItem(item);
    addItem(item, stick);
  }

  function trimItems() {
    while (st.items.length > MAX_ITEMS && st.items[0].o < PENDING) {
      removeItem(st.items[0]);
    }
  }

  function renderAll() {
    nodes.clear();
    while (log.firstChild) {
      log.removeChild(log.firstChild);
    }
    st.items.forEach(function (item) {
      var node = render(item);
      nodes.set(item, node);
      log.appendChild(node);
    });
    scrollToEnd();
  }

  function seen(seq) {
    var o = st.ord * SESSION_SPAN + seq;
    return st.items.some(function (i) { return i.o === o; });
  }

  function orderOf(seq) {
    return st.ord * SESSION_SPAN + seq;
  }

  function buyerItem(id) {
    for (var i = st.items.length - 1; i >= 0; i--) {
      if (st.items[i].k === 'buyer' && st.items[i].id === id) {
        return st.items[i];
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Chrome: status line, queue banner, typing, rating card, badge
  // ---------------------------------------------------------------------------------------------------------------

  var conn = 'connecting';
  var unread = 0;
  var asking = false; // "end this conversation?" is on screen

  function setConn(next) {
    var was = conn;
    conn = next;
    statusEl.className = 'status conn-' + next;
    updateStatus();
    if ((was === 'online') !== (next === 'online')) {
      st.items.forEach(function (i) {
        if (i.k === 'buyer' && i.st === 'sending') {
          rerender(i);
        }
      });
    }
  }

  function updateStatus() {
    var text;
    if (conn === 'online') {
      text = st.conv === 'waiting' ? T.serviceWaiting
        : st.conv === 'with_agent' ? T.serviceAgent(st.agent || T.agentRole)
          : st.conv === 'closed' ? T.serviceClosed : T.serviceBot;
      text = T.online + ' · ' + text;
    } else {
      text = conn === 'offline' ? T.offline : T.connecting;
    }
    if (statusText.textContent !== text) {
      statusText.textContent = text; // a live region: rewritten only when it changes, or it is read out again
    }
    var involved = st.conv === 'waiting' || st.conv === 'with_agent';
    if (!involved) {
      asking = false;
    }
    endBtn.hidden = !involved || asking;
    endAsk.hidden = endYes.hidden = endNo.hidden = !involved || !asking;
    humanBtn.hidden = asking;
    updateQueue();
    updateRate();
  }

  function etaText(seconds) {
    if (typeof seconds !== 'number' || seconds < 0) {
      return '';
    }
    return seconds < 60 ? T.underMinute : T.minutes(Math.ceil(seconds / 60));
  }

  var queueShown = '';

  function updateQueue() {
    var show = st.conv === 'waiting';
    queueEl.hidden = !show;
    var title = '';
    var place = '';
    if (show && st.leave) {
      title = T.waitingLeave;
    } else if (show) {
      title = T.waitingIn(st.queueName || T.agentRole);
      if (st.place && st.place.position) {
        var parts = [T.place(st.place.position)];
        var eta = etaText(st.place.etaSeconds);
        if (eta) {
          parts.push(T.eta(eta));
        }
        place = parts.join(cfg.lang === 'en' ? ', ' : '，');
      }
    }
    if (!show || title + '|' + place === queueShown) {
      return; // a live region: rebuilt only when it changes
    }
    queueShown = title + '|' + place;
    while (queueEl.firstChild) {
      queueEl.removeChild(queueEl.firstChild);
    }
    queueEl.appendChild(attrs(el('span', 'ico', '⏳'), {'aria-hidden': 'true'}));
    var body = el('div');
    body.appendChild(el('strong', '', title));
    if (place) {
      body.appendChild(el('span', 'place', place));
    }
    queueEl.appendChild(body);
  }

  var typingTimer = 0;

  function showTyping(active) {
    clearTimeout(typingTimer);
    typingEl.hidden = !active;
    if (active) {
      while (typingEl.firstChild) {
        typingEl.removeChild(typingEl.firstChild);
      }
      typingEl.appendChild(el('span', '', T.typing));
      for (var i = 0; i < 3; i++) {
        typingEl.appendChild(attrs(el('i'), {'aria-hidden': 'true'}));
      }
      // A lost "stopped typing" frame must not leave the indicator on forever.
      typingTimer = setTimeout(function () { typingEl.hidden = true; }, TYPING_FOR);
    }
  }

  var rateShownFor = null;

  function updateRate() {
    var show = st.conv === 'closed' && !st.rated && !!st.session;
    if (!show) {
      rateBox.hidden = true;
      rateShownFor = null;
      return;
    }
    if (rateShownFor !== st.session) {
      buildRateForm();
      rateShownFor = st.session;
    }
    rateBox.hidden = false;
    var submit = rateBox.querySelector('button');
    if (submit) {
      submit.disabled = !!st.pendingRate || !rateBox.querySelector('input:checked');
      submit.textContent = st.pendingRate ? T.submitting : T.submit;
    }
  }

  function buildRateForm() {
    while (rateBox.firstChild) {
      rateBox.removeChild(rateBox.firstChild);
    }
    var form = el('form');
    form.setAttribute('novalidate', '');
    var fs = el('fieldset');
    fs.appendChild(el('legend', '', T.rateTitle));
    var starRow = el('div', 'stars');
    for (var n = 1; n <= 5; n++) {
      var id = 'xw-star-' + n;
      var radio = attrs(el('input'), {type: 'radio', name: 'score', value: String(n), id: id});
      var label = attrs(el('label', '', '★'), {'for': id, title: T.star(n)});
      label.appendChild(el('span', 'sr', T.star(n)));
      starRow.appendChild(radio);
      starRow.appendChild(label);
    }
    fs.appendChild(starRow);
    form.appendChild(fs);
    var comment = attrs(el('textarea'), {
      name: 'comment', rows: '2', maxlength: '500', placeholder: T.comment, 'aria-label': T.commentLabel
    });
    form.appendChild(comment);
    var actions = el('div', 'actions');
    var submit = attrs(el('button', 'primary', T.submit), {type: 'submit'});
    submit.disabled = true;
    actions.appendChild(submit);
    form.appendChild(actions);
    form.addEventListener('change', function () {
      var chosen = form.querySelector('input:checked');
      var score = chosen ? Number(chosen.value) : 0;
      Array.prototype.forEach.call(starRow.querySelectorAll('label'), function (l, i) {
        l.classList.toggle('on', i < score);
      });
      submit.disabled = !!st.pendingRate || !chosen;
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var chosen = form.querySelector('input:checked');
      if (!chosen || st.pendingRate) {
        return;
      }
      st.pendingRate = {score: Number(chosen.value), comment: comment.value.trim()};
      rateSent = false;
      save(true);
      updateRate();
      pump();
    });
    rateBox.appendChild(form);
  }

  function updateBadge() {
    badge.hidden = unread === 0;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    launcher.setAttribute('aria-label', T.open + (unread ? T.unread(unread) : ''));
  }

  function arrived() {
    if (panel.hidden || document.hidden) {
      unread++;
      updateBadge();
    }
    if (!panel.hidden) {
      scheduleRead();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The connection: hello / resume, back-off with jitter, keep-alive
  // ---------------------------------------------------------------------------------------------------------------

  var ws = null;
  var ready = false;           // welcomed on the current socket
  var attempt = 0;
  var reconnectTimer = 0;
  var stableTimer = 0;
  var pingTimer = 0;
  var pumpTimer = 0;
  var lastHeard = 0;
  var inflight = new Map();    // message id -> when it was sent on the current socket
  var rateSent = false;
  var settling = false;        // just resumed an ended conversation: its replay comes before anything new
  var settleTimer = 0;
  var destroyed = false;
  var readTimer = 0;
  var lastRead = 0;

  /** Whether this page needs a socket: a conversation to follow, something to send, or the buyer looking. */
  function wanted() {
    return !destroyed && (!panel.hidden || !!st.session || st.outbox.length > 0);
  }

  function ensureConnected() {
    if (!ws && wanted()) {
      clearTimeout(reconnectTimer);
      reconnectTimer = 0;
      connect();
    }
  }

  function connect() {
    if (ws || destroyed) {
      return;
    }
    setConn('connecting');
    var sock;
    try {
      sock = new WebSocket(cfg.gateway);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    ws = sock;
    ready = false;
    rateSent = false;
    inflight.clear();
    sock.onopen = function () {
      if (ws === sock) {
        lastHeard = Date.now();
        hello();
      }
    };
    sock.onmessage = function (e) {
      if (ws !== sock) {
        return;
      }
      lastHeard = Date.now();
      var frame;
      try {
        frame = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      if (frame && typeof frame.type === 'string') {
        handle(frame);
      }
    };
    sock.onclose = function () {
      if (ws === sock) {
        lost();
      }
    };
    sock.onerror = function () {
      // onclose follows with the details the browser is willing to give
    };
  }

  /** The current socket is gone (closed, or dropped by us after a missed pong). */
  function lost() {
    ws = null;
    ready = false;
    inflight.clear();
    clearInterval(pingTimer);
    clearTimeout(stableTimer);
    clearTimeout(settleTimer);
    settling = false;
    typingOut = false; // the gateway tells the agent itself when a buyer's socket goes
    showTyping(false);
    if (destroyed) {
      return;
    }
    setConn('offline');
    if (wanted()) {
      scheduleReconnect();
    }
  }

  function drop() {
    var sock = ws;
    if (!sock) {
      return;
    }
    sock.onclose = sock.onmessage = sock.onopen = sock.onerror = null;
    try {
      sock.close(1000);
    } catch (e) {
      // already closing
    }
    lost();
  }

  /** Exponential back-off (0.5 s doubling to 30 s) with jitter, so a restarted gateway is not stampeded. */
  function scheduleReconnect() {
    clearTimeout(reconnectTimer);
    var ceiling = Math.min(BACKOFF_MAX, BACKOFF_FIRST * Math.pow(2, attempt));
    var delay = ceiling / 2 + Math.random() * ceiling / 2;
    attempt = Math.min(attempt + 1, 16);
    reconnectTimer = setTimeout(function () {
      reconnectTimer = 0;
      if (wanted()) {
        connect();
      }
    }, delay);
  }

  /** Replaces the socket at once (a new session needs a new connection: one hello per socket). */
  function reconnectNow() {
    drop();
    clearTimeout(reconnectTimer);
    reconnectTimer = 0;
    attempt = 0;
    if (wanted()) {
      connect();
    }
  }

  function send(frame) {
    if (ws && ws.readyState === 1) {
      try {
        ws.send(JSON.stringify(frame));
        return true;
      } catch (e) {
        return false;
      }
    }
    return false;
  }

  function hello() {
    var h = {type: 'hello', lang: cfg.lang};
    if (st.session && st.token) {
      h.session = st.session;
      h.token = st.token;
      h.lastSeq = st.lastSeq;
    }
    send(h);
  }

  function startPing() {
    clearInterval(pingTimer);
    pingTimer = setInterval(function () {
      if (!ws) {
        return;
      }
      var sentAt = Date.now();
      send({type: 'ping'});
      setTimeout(function () {
        // Nothing at all since the ping: the connection is dead without knowing it (sleeping laptop, lost Wi-Fi).
        if (ws && lastHeard < sentAt) {
          drop();
        }
      }, PONG_WITHIN);
    }, PING_EVERY);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Frames from the gateway
  // ---------------------------------------------------------------------------------------------------------------

  function handle(f) {
    switch (f.type) {
      case 'welcome': return onWelcome(f);
      case 'ack': return onAck(f);
      case 'message': return onEcho(f);
      case 'reply': return onReply(f);
      case 'queued': return onQueued(f);
      case 'position': return onPosition(f);
      case 'agent_joined': return onEvent(f, {k: 'joined', name: f.agentName || ''}, 'with_agent');
      // Without a person the chat waits again (a transfer, or a close, follows).
      case 'agent_left': return onEvent(f, {k: 'left', name: f.agentName || ''}, 'waiting');
      case 'closed': return onEvent(f, {k: 'closed', by: f.by || ''}, 'closed');
      case 'rated': return onRated(f);
      case 'typing': return onTyping(f);
      case 'error': return onError(f);
      default: return undefined; // pong, and frames of newer gateways
    }
  }

  function onWelcome(f) {
    ready = true;
    if (!f.resumed) {
      st.ord++;
      st.session = f.session;
      st.token = f.token;
      st.lastSeq = 0;
      st.rated = false;
      st.pendingRate = null;
      st.agent = '';
      st.queueName = '';
      st.leave = false;
      addItem({
        k: 'greet', o: orderOf(0), div: st.items.some(function (i) { return i.o < PENDING; }),
        text: cfg.greeting || f.greeting || '', hot: f.hotQuestions || []
      });
      if (f.hours && f.hours.open === false && f.hours.notice) {
        addItem({k: 'sys', o: orderOf(0.5), code: 'hours', text: f.hours.notice});
      }
    } else {
      st.token = f.token || st.token;
    }
    st.conv = f.state || 'bot';
    st.place = f.place || null;
    clearTimeout(stableTimer);
    stableTimer = setTimeout(function () { attempt = 0; }, STABLE_AFTER);
    startPing();
    save(true);
    if (!ready) {
      return; // saving found a newer conversation from another tab and switched to it
    }
    setConn('online');
    if (f.resumed && st.conv === 'closed') {
      // Messages typed after the end belong to a new conversation; the replay of the old one (its last answers)
      // follows this welcome at once, so leave a moment for it before switching.
      settling = true;
      clearTimeout(settleTimer);
      settleTimer = setTimeout(function () {
        settling = false;
        pump();
      }, 500);
    }
    pump();
    scheduleRead();
  }

  /** A frame that belongs to the conversation: remembered, deduped by seq, and drawn once. */
  function remember(seq) {
    if (typeof seq === 'number' && seq > st.lastSeq) {
      st.lastSeq = seq;
    }
  }

  function onEvent(f, item, nextState) {
    if (typeof f.seq === 'number' && seen(f.seq)) {
      remember(f.seq);
      return;
    }
    if (nextState) {
      st.conv = nextState;
    }
    if (item.k === 'joined') {
      st.agent = item.name;
      st.place = null;
    }
    if (item.k === 'left') {
      st.agent = '';
    }
    if (item.k === 'closed') {
      st.place = null;
      showTyping(false);
    }
    item.o = typeof f.seq === 'number' ? orderOf(f.seq) : lastOrder() + 1e-3;
    item.at = f.at;
    addItem(item);
    if (item.k === 'joined' || item.k === 'closed') {
      arrived();
    }
    remember(f.seq);
    save(false);
    updateStatus();
  }

  function lastOrder() {
    for (var i = st.items.length - 1; i >= 0; i--) {
      if (st.items[i].o < PENDING) {
        return st.items[i].o;
      }
    }
    return orderOf(0);
  }

  function acked(item, seq, at) {
    item.seq = seq;
    item.st = 'sent';
    item.o = orderOf(seq);
    if (at) {
      item.at = at;
    }
    delete item.err;
    reorder(item);
  }

  function onAck(f) {
    var i = st.outbox.findIndex(function (m) { return m.id === f.id; });
    var m = i >= 0 ? st.outbox[i] : null;
    if (i >= 0) {
      st.outbox.splice(i, 1);
    }
    done.add(f.id);
    inflight.delete(f.id);
    var item = buyerItem(f.id);
    if (item && !item.seq && typeof f.seq === 'number') {
      acked(item, f.seq, null);
    } else if (!item && m && typeof f.seq === 'number' && !seen(f.seq)) {
      addItem({k: 'buyer', id: m.id, text: m.text, st: 'sent', seq: f.seq, o: orderOf(f.seq)});
    }
    remember(f.seq);
    save(true);
    pump();
  }

  /** A buyer message from another tab, or replayed after a reload. */
  function onEcho(f) {
    var item = buyerItem(f.id);
    var queued = st.outbox.findIndex(function (m) { return m.id === f.id; });
    if (queued >= 0) {
      st.outbox.splice(queued, 1); // another tab sent it: it is stored
      inflight.delete(f.id);
    }
    done.add(f.id);
    if (item && !item.seq) {
      acked(item, f.seq, f.at);
    } else if (!item && !seen(f.seq)) {
      addItem({k: 'buyer', id: f.id, text: f.text || '', st: 'sent', seq: f.seq, o: orderOf(f.seq), at: f.at});
    }
    remember(f.seq);
    save(false);
  }

  function onReply(f) {
    if (typeof f.seq === 'number' && seen(f.seq)) {
      remember(f.seq);
      return;
    }
    var item;
    if (f.from === 'agent') {
      showTyping(false);
      item = {k: 'agent', name: f.agentName || '', text: f.text || ''};
      if (f.agentName) {
        st.agent = f.agentName;
      }
    } else if (f.from === 'system') {
      item = {k: 'sys', code: f.code || '', text: f.text || ''};
    } else {
      item = {k: 'bot', text: f.text || '', sugg: f.suggestions || []};
    }
    item.o = typeof f.seq === 'number' ? orderOf(f.seq) : lastOrder() + 1e-3;
    item.at = f.at;
    addItem(item);
    remember(f.seq);
    arrived();
    save(false);
  }

  function onQueued(f) {
    st.queueName = f.queueName || f.queue || '';
    st.leave = !!f.leaveMessage;
    if (typeof f.position === 'number') {
      st.place = {queue: f.queue, position: f.position, etaSeconds: f.etaSeconds};
    }
    onEvent(f, {k: 'queued', queueName: st.queueName, leave: st.leave}, 'waiting');
  }

  function onPosition(f) {
    st.place = {queue: f.queue, position: f.position, etaSeconds: f.etaSeconds};
    if (st.conv !== 'waiting' && st.conv !== 'closed' && st.conv !== 'with_agent') {
      st.conv = 'waiting';
    }
    save(false);
    updateQueue();
  }

  function onRated(f) {
    st.rated = true;
    st.pendingRate = null;
    onEvent(f, {k: 'rated', score: f.score}, null);
  }

  function onTyping(f) {
    if (f.from === 'agent') {
      showTyping(f.active !== false);
    }
  }

  function retryLater(id) {
    var m = st.outbox.find(function (x) { return x.id === id; });
    if (!m) {
      return;
    }
    inflight.delete(id);
    m.tries = (m.tries || 0) + 1;
    var ceiling = Math.min(BACKOFF_MAX, 1000 * Math.pow(2, m.tries - 1));
    m.retryAt = Date.now() + ceiling / 2 + Math.random() * ceiling / 2;
    save(true);
    armPump(ceiling);
  }

  function failed(id, code) {
    var i = st.outbox.findIndex(function (m) { return m.id === id; });
    if (i >= 0) {
      st.outbox.splice(i, 1);
    }
    done.add(id);
    inflight.delete(id);
    var item = buyerItem(id);
    if (item && !item.seq) {
      item.st = 'failed';
      item.err = code;
      // Stays where it was: just after what was stored before it.
      removeItem(item);
      item.o = lastOrder() + 1e-3;
      addItem(item);
    }
    save(true);
  }

  function onError(f) {
    var code = f.code;
    switch (code) {
      case 'session_not_found':
      case 'bad_token':
        // The conversation is over or unknown here: a clean new one (the old transcript stays on screen).
        forgetSession();
        if (f.id) {
          reconnectNow(); // a welcomed socket takes no second hello
        } else if (wanted()) {
          hello();
        } else {
          drop();
        }
        return;
      case 'conversation_closed':
        st.conv = 'closed';
        if (f.id) {
          startNewSession(); // a message refused by an ended conversation goes to a new one
        } else {
          save(true);
          updateStatus(); // an end asked for twice
        }
        return;
      case 'not_closed':
      case 'already_rated':
        st.pendingRate = null;
        if (code === 'already_rated') {
          st.rated = true;
        }
        save(true);
        updateRate();
        return;
      case 'unknown_type':
        // A gateway without ratings refuses "rate": quietly give up on it.
        if (st.pendingRate) {
          st.pendingRate = null;
          st.rated = true;
          save(true);
          updateRate();
        }
        return;
      case 'too_many_tabs':
      case 'shutting_down':
      case 'store_unavailable':
        if (f.id) {
          retryLater(f.id);
        } else if (!ready) {
          drop(); // the hello was refused: try again with back-off
        } else {
          retryAllLater(); // a rating (or an end) that could not be stored
        }
        return;
      case 'hello_first':
      case 'already_hello':
        return;
      default:
        if (f.id) {
          if (f.retryable) {
            retryLater(f.id);
          } else {
            failed(f.id, code);
          }
        } else if (f.retryable) {
          retryAllLater();
        }
    }
  }

  /** A refused frame we cannot name (rate_limited, busy): whatever is unacked goes again later, same ids. */
  function retryAllLater() {
    inflight.clear();
    st.outbox.forEach(function (m) { m.retryAt = Date.now() + 2000; });
    rateSent = false;
    armPump(2000);
  }

  function forgetSession() {
    st.ord++; // later than the forgotten one: a tab still holding it must not win it back
    st.session = null;
    st.token = null;
    st.lastSeq = 0;
    st.conv = null;
    st.place = null;
    st.rated = false;
    st.pendingRate = null;
    st.agent = '';
    save(true);
    updateStatus();
  }

  function startNewSession() {
    forgetSession();
    reconnectNow();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Sending: the outbox
  // ---------------------------------------------------------------------------------------------------------------

  function armPump(delay) {
    if (!pumpTimer && (st.outbox.length > 0 || (st.pendingRate && !rateSent))) {
      pumpTimer = setTimeout(function () {
        pumpTimer = 0;
        pump();
      }, Math.max(200, delay || 1000));
    }
  }

  /**
   * Sends what is waiting, in order: each message until its ack (again after ACK_TIMEOUT, and after a retryable
   * error, with the same id). At most a few per call, so a long offline queue does not trip the rate limit.
   */
  function pump() {
    if (!ready) {
      return;
    }
    if (st.pendingRate && st.conv === 'closed' && !rateSent) {
      rateSent = send({type: 'rate', score: st.pendingRate.score, comment: st.pendingRate.comment});
    }
    if (st.conv === 'closed') {
      if (st.outbox.length > 0 && !settling) {
        startNewSession(); // the conversation has ended: what the buyer types now starts a new one
      }
      armPump(1000);
      return;
    }
    var now = Date.now();
    var budget = 3;
    for (var i = 0; i < st.outbox.length && budget > 0; i++) {
      var m = st.outbox[i];
      if (m.retryAt && now < m.retryAt) {
        break; // keep the order: nothing overtakes a message that waits for its retry
      }
      var sentAt = inflight.get(m.id);
      if (sentAt && now - sentAt < ACK_TIMEOUT) {
        continue;
      }
      var frame = {type: 'message', id: m.id, text: m.text};
      if (m.faqId) {
        frame.faqId = m.faqId;
      }
      if (send(frame)) {
        inflight.set(m.id, now);
        budget--;
      }
    }
    armPump(budget === 0 ? 700 : 1000);
  }

  function sendMessage(text, faqId) {
    var clean = String(text || '').replace(/^\s+|\s+$/g, '');
    if (!clean && !faqId) {
      return false;
    }
    var m = {id: newId(), text: clean};
    if (faqId) {
      m.faqId = faqId;
    }
    st.outbox.push(m);
    addItem({k: 'buyer', id: m.id, text: clean, st: 'sending', o: PENDING, at: new Date().toISOString()}, true);
    save(true);
    ensureConnected();
    pump();
    return true;
  }

  function scheduleRead() {
    if (readTimer || panel.hidden || document.hidden) {
      return;
    }
    readTimer = setTimeout(function () {
      readTimer = 0;
      if (ready && !panel.hidden && !document.hidden && st.lastSeq > lastRead) {
        if (send({type: 'ack', seq: st.lastSeq})) {
          lastRead = st.lastSeq;
        }
      }
    }, 800);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Another tab started a new conversation: follow it
  // ---------------------------------------------------------------------------------------------------------------

  function adopt(stored) {
    var mine = st.outbox;
    var pendingItems = st.items.filter(function (i) { return i.k === 'buyer' && !i.seq && i.st === 'sending'; });
    st = stored;
    st.items.sort(function (a, b) { return a.o - b.o; });
    mine.forEach(function (m) {
      if (!st.outbox.some(function (o) { return o.id === m.id; })) {
        st.outbox.push(m);
      }
    });
    pendingItems.forEach(function (p) {
      if (!buyerItem(p.id)) {
        st.items.push(p);
      }
    });
    renderAll();
    updateStatus();
    save(true);
    reconnectNow();
  }

  function onStorage(e) {
    if (e.key !== KEY || !e.newValue) {
      return;
    }
    var stored = readStored();
    if (stored && newerSession(stored)) {
      adopt(stored);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Buyer interaction
  // ---------------------------------------------------------------------------------------------------------------

  function autoGrow() {
    sendBtn.disabled = !input.value.trim();
    if (panel.hidden) {
      return; // nothing to measure; open() grows it
    }
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight + 2, 132) + 'px';
  }

  var draftTimer = 0;

  function saveDraft() {
    clearTimeout(draftTimer);
    draftTimer = setTimeout(function () { tabSet('draft', input.value || null); }, 250);
  }

  var typingOut = false;
  var typingOutAt = 0;
  var typingIdle = 0;

  /** Tells the agent holding the chat that the buyer is typing (again every 3 s), and when they stopped. */
  function buyerTyping(active) {
    clearTimeout(typingIdle);
    if (!active) {
      if (typingOut) {
        typingOut = false;
        send({type: 'typing', active: false});
      }
      return;
    }
    if (!ready || st.conv !== 'with_agent') {
      return;
    }
    typingIdle = setTimeout(function () { buyerTyping(false); }, 4000);
    if ((!typingOut || Date.now() - typingOutAt > 3000) && send({type: 'typing', active: true})) {
      typingOut = true;
      typingOutAt = Date.now();
    }
  }

  function submit() {
    buyerTyping(false);
    if (sendMessage(input.value)) {
      input.value = '';
      tabSet('draft', null);
      autoGrow();
    }
  }

  function open(opts) {
    if (destroyed) {
      return;
    }
    var wasHidden = panel.hidden;
    panel.hidden = false;
    root.classList.add('opened');
    launcher.setAttribute('aria-expanded', 'true');
    tabSet('open', '1');
    unread = 0;
    updateBadge();
    ensureConnected();
    if (wasHidden) {
      fitViewport();
      autoGrow();
      scrollToEnd();
    }
    if (opts && typeof opts.draft === 'string' && opts.draft) {
      input.value = opts.draft;
      autoGrow();
      saveDraft();
    }
    if (!(opts && opts.quiet)) {
      input.focus({preventScroll: true});
    }
    scheduleRead();
  }

  function close() {
    if (panel.hidden) {
      return;
    }
    var hadFocus = shadow.activeElement && panel.contains(shadow.activeElement);
    buyerTyping(false);
    panel.hidden = true;
    root.classList.remove('opened');
    launcher.setAttribute('aria-expanded', 'false');
    tabSet('open', null);
    if (hadFocus) {
      launcher.focus();
    }
    if (!wanted()) {
      drop();
    }
  }

  launcher.addEventListener('click', function () {
    if (panel.hidden) {
      open();
    } else {
      close();
    }
  });
  closeBtn.addEventListener('click', close);
  panel.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' || e.key === 'Esc') {
      e.stopPropagation();
      close();
    }
  });
  compose.addEventListener('submit', function (e) {
    e.preventDefault();
    submit();
  });
  input.addEventListener('keydown', function (e) {
    // Enter while an IME is composing (pinyin) picks a word; it must not send the half-typed line.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', function () {
    autoGrow();
    saveDraft();
    buyerTyping(input.value.trim() !== '');
  });
  humanBtn.addEventListener('click', function () {
    sendMessage(T.humanText);
  });
  endBtn.addEventListener('click', function () {
    asking = true;
    updateStatus();
    endNo.focus();
  });
  endNo.addEventListener('click', function () {
    asking = false;
    updateStatus();
    endBtn.focus();
  });
  endYes.addEventListener('click', function () {
    // The gateway answers with "closed" (then the rating card shows); offline, nothing happens and the buyer may
    // try again: an end is not worth queueing.
    if (ready && send({type: 'close'})) {
      asking = false;
      updateStatus();
      input.focus();
    }
  });
  jump.addEventListener('click', scrollToEnd);
  var atBottom = true;
  log.addEventListener('scroll', function () {
    atBottom = nearBottom();
    if (atBottom) {
      jump.hidden = true;
    }
  });
  // The queue banner, the typing line or the rating card take room from the transcript: keep its end in view.
  var resized = typeof ResizeObserver === 'function' ? new ResizeObserver(function () {
    if (atBottom && !panel.hidden) {
      log.scrollTop = log.scrollHeight;
    }
  }) : null;
  if (resized) {
    resized.observe(log);
  }

  function onOnline() {
    if (!ws && wanted()) {
      attempt = 0;
      clearTimeout(reconnectTimer);
      connect();
    }
  }

  function onOffline() {
    // The browser knows the network is gone long before a socket would notice: reconnect when it is back.
    if (ws) {
      drop();
    }
  }

  function onVisible() {
    if (!document.hidden) {
      if (!ws && wanted() && reconnectTimer) {
        onOnline();
      }
      if (!panel.hidden) {
        unread = 0;
        updateBadge();
        scheduleRead();
      }
    }
  }

  // On a phone the window fills the screen; when the on-screen keyboard opens, the visual viewport shrinks but a
  // fixed element does not (iOS), and the input box would hide behind the keyboard: follow the visual viewport.
  var phone = window.matchMedia ? window.matchMedia('(max-width: 600px)') : null;
  var viewport = window.visualViewport || null;

  function fitViewport() {
    if (!viewport || !phone || !phone.matches || panel.hidden) {
      panel.style.removeProperty('height');
      panel.style.removeProperty('top');
      return;
    }
    panel.style.setProperty('height', viewport.height + 'px');
    panel.style.setProperty('top', viewport.offsetTop + 'px');
  }

  function onPageHide() {
    if (saveTimer) {
      save(true);
    }
    tabSet('draft', input.value || null);
  }

  window.addEventListener('storage', onStorage);
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  window.addEventListener('pagehide', onPageHide);
  document.addEventListener('visibilitychange', onVisible);
  if (viewport) {
    viewport.addEventListener('resize', fitViewport);
    viewport.addEventListener('scroll', fitViewport);
  }

  function destroy() {
    destroyed = true;
    drop();
    [reconnectTimer, stableTimer, pumpTimer, typingTimer, readTimer, draftTimer, settleTimer, typingIdle]
      .forEach(clearTimeout);
    clearInterval(pingTimer);
    if (resized) {
      resized.disconnect();
    }
    if (saveTimer) {
      save(true);
    }
    window.removeEventListener('storage', onStorage);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    window.removeEventListener('pagehide', onPageHide);
    document.removeEventListener('visibilitychange', onVisible);
    if (viewport) {
      viewport.removeEventListener('resize', fitViewport);
      viewport.removeEventListener('scroll', fitViewport);
    }
    if (host.parentNode) {
      host.parentNode.removeChild(host);
    }
    if (window.XiaoerWidget === api) {
      delete window.XiaoerWidget;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------------------------------

  var api = {
    /** Opens the chat; {draft: 'text'} puts a question in the input box for the buyer to send or edit. */
    open: function (options) { open({draft: options && options.draft}); },
    close: close,
    toggle: function () {
      if (panel.hidden) {
        open();
      } else {
        close();
      }
    },
    destroy: destroy
  };
  Object.defineProperty(window, 'XiaoerWidget', {value: api, configurable: true, writable: false});

  function mount() {
    (document.body || document.documentElement).appendChild(host);
    renderAll();
    updateStatus();
    var draft = tabGet('draft');
    if (draft) {
      input.value = draft;
    }
    autoGrow();
    if (cfg.startOpen || tabGet('open')) {
      open({quiet: true});
    }
    ensureConnected();
    if (st.outbox.length > 0) {
      pump();
    }
  }

  if (document.body) {
    mount();
  } else {
    document.addEventListener('DOMContentLoaded', mount);
  }
})();
