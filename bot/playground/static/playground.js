// The playground page: polls the pretend workspace, renders it Slack-style, and sends what you do.
(function () {
  "use strict";
  const BK = window.BlockKit;
  const $ = (sel) => document.querySelector(sel);
  const S = {
    user: localStorage.getItem("fm-playground-user") || "U0ALICE",
    version: -1,
    data: null,
    view: "channel",
    channel: null,
    thread: null,
    modalKey: null,
    edits: {},
    incidents: 0,
    // The last incident this page injected: PagerDuty's acknowledge and resolve play events for it.
    incidentId: null,
  };

  function names() {
    const out = {};
    if (!S.data) return out;
    for (const u of S.data.users) out[u.id] = u.real_name;
    out[S.data.bot.id] = S.data.bot.name;
    return out;
  }

  // Channel ids to names, so `<#C…>` reads as #name the way Slack shows it.
  function channelNames() {
    const out = {};
    for (const c of (S.data && S.data.channels) || []) out[c.id] = c.name;
    return out;
  }

  function channelName(id) {
    return channelNames()[id] || id;
  }

  function blockCtx(onAction) {
    return { names: names(), channels: channelNames(), onAction };
  }

  function toast(message) {
    const t = $("#toast");
    t.textContent = message;
    t.classList.add("show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => t.classList.remove("show"), 4000);
  }

  async function send(kind, extra) {
    const body = { kind, user: S.user, channel: S.channel, ...extra };
    try {
      const res = await fetch("/playground/send", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const answer = await res.json();
      if (!answer.ok) toast(answer.error || `the bot answered HTTP ${answer.status}`);
      // What the last action came to, for people reading the DOM and for the browser test.
      document.body.dataset.lastAction = `${kind}:${answer.ok ? "ok" : "failed"}`;
      return answer;
    } catch (err) {
      toast(`could not reach the playground: ${err}`);
      return { ok: false };
    } finally {
      poll(true);
    }
  }

  // --- messages ----------------------------------------------------------------------------------
  function author(m) {
    if (m.bot_id) return S.data.bot.name;
    return names()[m.user] || m.user;
  }

  function initials(name) {
    return name.split(/\s+/).map((w) => w[0]).join("").slice(0, 2).toUpperCase();
  }

  function when(ts) {
    return new Date(parseFloat(ts) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function messageNode(m, opts) {
    const row = document.createElement("div");
    row.className = "msg" + (m.bot_id ? " from-bot" : "") + (opts.ephemeral ? " ephemeral" : "");
    row.dataset.ts = m.ts;
    const name = opts.ephemeral ? S.data.bot.name : author(m);
    const avatar = document.createElement("div");
    avatar.className = "avatar" + (m.bot_id || opts.ephemeral ? " bot" : "");
    avatar.textContent = m.bot_id || opts.ephemeral ? "FM" : initials(name);
    const body = document.createElement("div");
    body.className = "msg-body";
    const head = document.createElement("div");
    head.className = "msg-head";
    head.innerHTML = `<span class="author">${BK.esc(name)}</span>` +
      (m.bot_id || opts.ephemeral ? '<span class="app-badge">APP</span>' : "") +
      `<span class="time">${when(m.ts)}</span>` + (m.edits ? '<span class="edited">(edited)</span>' : "");
    body.appendChild(head);
    if (opts.ephemeral) {
      const note = document.createElement("div");
      note.className = "only-you";
      note.textContent = "👁 Only visible to you";
      body.appendChild(note);
    }
    const ctx = blockCtx((block, action, value) => send("block_action", { message_ts: m.ts, block_id: block, action_id: action, value }));
    const content = document.createElement("div");
    content.className = "msg-content";
    if (m.blocks && m.blocks.length) content.appendChild(BK.renderBlocks(m.blocks, ctx));
    else content.innerHTML = BK.mrkdwn(m.text, ctx);
    body.appendChild(content);
    for (const f of m.files || []) {
      const file = document.createElement("div");
      file.className = "msg-file";
      file.textContent = `📎 ${f.title} · ${f.name} (${f.size} bytes)`;
      body.appendChild(file);
    }
    if (opts.inChannel && !opts.ephemeral) {
      if (m.reply_count) {
        const link = document.createElement("button");
        link.className = "msg-replies";
        link.textContent = `${m.reply_count} ${m.reply_count === 1 ? "reply" : "replies"}`;
        link.addEventListener("click", () => openThread(m.ts));
        body.appendChild(link);
      }
      const hover = document.createElement("button");
      hover.className = "msg-reply-action";
      hover.title = "Reply in thread";
      hover.textContent = "💬 Reply in thread";
      hover.addEventListener("click", () => openThread(m.ts));
      row.appendChild(hover);
    }
    if (!opts.ephemeral && S.edits[m.ts] !== undefined && S.edits[m.ts] < m.edits) row.classList.add("flash");
    row.append(avatar, body);
    return row;
  }

  // Whether a list follows new messages is decided by the reader's scrolling, not measured at render
  // time: opening or closing the thread pane reflows the channel, which used to look like "scrolled up".
  function nearBottom(list) {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function follow(list) {
    list.dataset.follow = "true";
    list.addEventListener("scroll", () => { list.dataset.follow = String(nearBottom(list)); });
    new ResizeObserver(() => { if (list.dataset.follow === "true") list.scrollTop = list.scrollHeight; }).observe(list);
  }

  function fill(list, items) {
    list.replaceChildren(...items);
    if (list.dataset.follow !== "false") list.scrollTop = list.scrollHeight;
  }

  function byTs(a, b) {
    return parseFloat(a.ts) - parseFloat(b.ts);
  }

  function renderChannel() {
    const d = S.data;
    const top = d.messages.filter((m) => m.channel === S.channel && (!m.thread_ts || m.thread_ts === m.ts));
    const eph = d.ephemerals.filter((e) => e.channel === S.channel && !e.thread_ts);
    const items = [...top.map((m) => ({ m, ephemeral: false })), ...eph.map((m) => ({ m, ephemeral: true }))];
    items.sort((a, b) => byTs(a.m, b.m));
    const nodes = items.map(({ m, ephemeral }) => messageNode(m, { inChannel: true, ephemeral }));
    if (!nodes.length) {
      const hint = document.createElement("div");
      hint.className = "empty";
      hint.innerHTML = BK.mrkdwn(`This is the very beginning of *#${channelName(S.channel)}*.\nTry \`${d.command} help redis is OOM-killing on cache-01\`, or \`${d.command}\` for the form.`, {});
      nodes.push(hint);
    }
    fill($("#messages"), nodes);
  }

  function renderThread() {
    const pane = $("#thread-pane");
    const d = S.data;
    const root = S.thread && d.messages.find((m) => m.ts === S.thread);
    pane.hidden = !root;
    if (!root) return;
    const replies = d.messages.filter((m) => m.thread_ts === root.ts && m.ts !== root.ts);
    const eph = d.ephemerals.filter((e) => e.thread_ts === root.ts);
    const items = [...replies.map((m) => [m, false]), ...eph.map((m) => [m, true])].sort((a, b) => byTs(a[0], b[0]));
    const divider = document.createElement("div");
    divider.className = "thread-count";
    divider.textContent = `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`;
    fill($("#thread-messages"), [messageNode(root, {}), divider, ...items.map(([m, e]) => messageNode(m, { ephemeral: e }))]);
  }

  function renderHome() {
    const home = $("#home");
    const d = S.data;
    if (d.home) {
      const ctx = blockCtx((block, action, value) => send("block_action", { view_id: d.home.id, block_id: block, action_id: action, value }));
      home.replaceChildren(BK.renderBlocks(d.home.blocks, ctx));
    } else {
      home.innerHTML = BK.mrkdwn(`*${d.bot.name} has not published a Home tab yet.*\nWhen the bot calls \`views.publish\` for you, it shows here.`, {});
    }
  }

  // --- modal ---------------------------------------------------------------------------------------
  function modalValues(root) {
    const values = {};
    for (const el of root.querySelectorAll("[data-block-id][data-action-id]")) {
      if (el.tagName === "BUTTON") continue;
      (values[el.dataset.blockId] = values[el.dataset.blockId] || {})[el.dataset.actionId] = el.value;
    }
    return values;
  }

  function renderModal() {
    const overlay = $("#modal-overlay");
    const view = S.data.modal;
    const key = view ? `${view.id}:${view.hash}` : null;
    if (key === S.modalKey) return;
    S.modalKey = key;
    overlay.hidden = !view;
    if (!view) { S.modalViewId = null; return; }
    $("#modal-title").innerHTML = BK.text(view.title);
    const body = $("#modal-body");
    // views.update of the open view keeps what was typed into inputs with the same ids, as Slack does.
    const sameView = S.modalViewId === view.id;
    const typed = sameView ? modalValues(body) : {};
    const focused = sameView && document.activeElement && body.contains(document.activeElement) ? document.activeElement.dataset : null;
    S.modalViewId = view.id;
    const ctx = blockCtx((block, action, value) => send("block_action", { view_id: view.id, block_id: block, action_id: action, value, values: modalValues(body) }));
    body.replaceChildren(BK.renderBlocks(view.blocks, ctx));
    for (const el of body.querySelectorAll("[data-block-id][data-action-id]")) {
      const kept = (typed[el.dataset.blockId] || {})[el.dataset.actionId];
      if (kept !== undefined && el.tagName !== "BUTTON") el.value = kept;
      if (focused && el.dataset.blockId === focused.blockId && el.dataset.actionId === focused.actionId) el.focus();
    }
    $("#modal-close").innerHTML = BK.text(view.close || { type: "plain_text", text: "Cancel" });
    const submit = $("#modal-submit");
    submit.hidden = !view.submit;
    if (view.submit) submit.innerHTML = BK.text(view.submit);
    submit.onclick = async () => {
      submit.disabled = true;
      const answer = await send("view_submission", { view_id: view.id, values: modalValues(body) });
      submit.disabled = false;
      for (const el of body.querySelectorAll(".bk-error")) el.textContent = "";
      for (const [blockId, message] of Object.entries(answer.errors || {})) {
        const target = body.querySelector(`[data-block-id="${CSS.escape(blockId)}"] .bk-error`);
        if (target) target.textContent = message;
      }
    };
    const close = () => send("view_closed", { view_id: view.id });
    $("#modal-close").onclick = close;
    $("#modal-x").onclick = close;
  }

  // --- frame ---------------------------------------------------------------------------------------
  function renderFrame() {
    const d = S.data;
    const picker = $("#user-picker");
    if (!picker.options.length) {
      for (const u of d.users) picker.appendChild(new Option(`${u.real_name} — ${u.title}`, u.id));
      picker.value = S.user;
    }
    S.channel = S.channel || d.channel.id;
    const joined = d.channels.filter((c) => c.is_member && !c.is_archived).map((c) => c.id);
    const channels = [d.channel.id, ...joined, ...d.messages.map((m) => m.channel)].filter((c, i, all) => all.indexOf(c) === i);
    $("#channels").replaceChildren(...channels.map((id) => {
      const b = document.createElement("button");
      b.className = "side-item" + (S.view === "channel" && S.channel === id ? " active" : "");
      b.textContent = `# ${channelName(id)}`;
      b.addEventListener("click", () => { S.view = "channel"; S.channel = id; S.thread = null; render(); });
      return b;
    }));
    $("#app-home").classList.toggle("active", S.view === "home");
    $("#title").textContent = S.view === "home" ? `${d.bot.name} · Home` : `# ${channelName(S.channel)}`;
    $("#composer-input").placeholder = `Message #${channelName(S.channel)} — try /faultmaven help redis is OOM-killing on cache-01 (Enter sends)`;
    $("#inject").hidden = !d.features.incidents || S.view === "home";
    for (const id of ["#pd-ack", "#pd-resolve"]) $(id).hidden = $("#inject").hidden || !S.incidentId;
    $("#channel-view").hidden = S.view !== "channel";
    $("#home-view").hidden = S.view !== "home";
  }

  function render() {
    if (!S.data) return;
    renderFrame();
    if (S.view === "channel") renderChannel();
    else renderHome();
    renderThread();
    renderModal();
    for (const m of S.data.messages) S.edits[m.ts] = m.edits;
  }

  function openThread(ts) {
    S.thread = ts;
    render();
    $("#thread-input").focus();
  }

  async function poll(once) {
    try {
      const res = await fetch(`/playground/state?user=${encodeURIComponent(S.user)}&since=${S.version}`);
      const d = await res.json();
      if (!d.unchanged) {
        S.data = d;
        S.version = d.version;
        render();
      }
      $("#status").textContent = "connected";
    } catch (err) {
      $("#status").textContent = "reconnecting…";
    }
    if (!once) setTimeout(() => poll(false), 500);
  }

  function composer(input, threadTs) {
    input.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" || e.shiftKey) return;
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      send("message", { text, thread_ts: threadTs() });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    follow($("#messages"));
    follow($("#thread-messages"));
    composer($("#composer-input"), () => null);
    composer($("#thread-input"), () => S.thread);
    $("#user-picker").addEventListener("change", (e) => {
      S.user = e.target.value;
      localStorage.setItem("fm-playground-user", S.user);
      S.version = -1;
      S.modalKey = null;
      poll(true);
    });
    $("#app-home").addEventListener("click", () => { S.view = "home"; S.thread = null; render(); });
    $("#thread-close").addEventListener("click", () => { S.thread = null; render(); });
    $("#inject").addEventListener("click", async () => {
      const answer = await send("incident", { index: S.incidents++ });
      if (answer.incident_id) { S.incidentId = answer.incident_id; render(); }
    });
    $("#pd-ack").addEventListener("click", () => send("incident_event", { incident_id: S.incidentId, status: "acknowledged" }));
    $("#pd-resolve").addEventListener("click", () => send("incident_event", { incident_id: S.incidentId, status: "resolved" }));
    poll(false);
  });
})();
