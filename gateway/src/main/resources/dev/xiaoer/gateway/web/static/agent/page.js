/*
 * What the agent console (console.js) and the supervisor view (supervisor.js) both need on the page: looking up and
 * making elements — text always goes in with textContent, never innerHTML — and the one toast at the bottom.
 */
window.XiaoerPage = (function () {
  'use strict';

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  /** Shows {@code text} in the toast for {@code ms} (3.5 s by default); a newer toast replaces an older one. */
  function toast(text, ms) {
    var t = $('toast');
    t.textContent = text;
    t.classList.add('show');
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { t.classList.remove('show'); }, ms || 3500);
  }

  return { $: $, el: el, toast: toast };
})();
