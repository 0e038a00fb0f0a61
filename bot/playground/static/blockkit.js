// Block Kit and mrkdwn rendered to DOM, close to what Slack shows. No dependencies, no build step.
(function () {
  "use strict";

  const EMOJI = {
    "+1": "👍", thumbsup: "👍", "-1": "👎", white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌",
    warning: "⚠️", fire: "🔥", rotating_light: "🚨", mag: "🔍", eyes: "👀", tada: "🎉", rocket: "🚀",
    bulb: "💡", memo: "📝", hourglass: "⌛", question: "❓", wrench: "🔧", lock: "🔒", bell: "🔔",
    red_circle: "🔴", large_green_circle: "🟢", large_yellow_circle: "🟡", large_orange_circle: "🟠",
    construction: "🚧", pushpin: "📌", link: "🔗", sos: "🆘", ok: "🆗", zap: "⚡", boom: "💥",
    point_right: "👉", wave: "👋", robot_face: "🤖", chart_with_upwards_trend: "📈", compass: "🧭",
  };

  function esc(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  // mrkdwn carries &, < and > as Slack's three entities; Slack shows them as the characters.
  function entities(s) {
    return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function node(tag, cls, html) {
    const el = document.createElement(tag);
    if (cls) el.className = cls;
    if (html !== undefined) el.innerHTML = html;
    return el;
  }

  function emoji(s) {
    return s.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
  }

  // Bold, italic and strike on already-escaped text, using Slack's word-boundary rules.
  function styles(s) {
    const edge = "(?=$|[\\s).,!?:;'\"&])";
    for (const [mark, tag] of [["\\*", "b"], ["_", "i"], ["~", "s"]]) {
      const re = new RegExp(`(^|[\\s(])${mark}(?!\\s)([^\\n]*?[^\\s])${mark}${edge}`, "g");
      s = s.replace(re, `$1<${tag}>$2</${tag}>`);
    }
    return emoji(s);
  }

  function angle(token, ctx) {
    if (token.startsWith("@")) {
      const [id, label] = token.slice(1).split("|");
      return `<span class="mention">@${esc(label || (ctx.names && ctx.names[id]) || id)}</span>`;
    }
    if (token.startsWith("#")) {
      const [id, label] = token.slice(1).split("|");
      return `<span class="mention">#${esc(label || (ctx.channels && ctx.channels[id]) || id)}</span>`;
    }
    if (token.startsWith("!")) {
      const [what, label] = token.slice(1).split("|");
      return `<span class="mention">${esc(label || "@" + what.split("^")[0])}</span>`;
    }
    const [url, label] = token.split("|");
    if (!/^(https?:|mailto:)/.test(url)) return esc(`<${token}>`);
    return `<a href="${esc(url)}" target="_blank" rel="noopener noreferrer">${esc(label || url)}</a>`;
  }

  function inline(line, ctx) {
    let out = "";
    let last = 0;
    const re = /`([^`\n]+)`|<([^<>\n]+)>/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      out += styles(esc(entities(line.slice(last, m.index))));
      out += m[1] !== undefined ? `<code>${esc(entities(m[1]))}</code>` : angle(m[2], ctx);
      last = re.lastIndex;
    }
    return out + styles(esc(entities(line.slice(last))));
  }

  function mrkdwnLine(line, ctx) {
    const quote = /^(>|&gt;)\s?/.exec(line);
    if (quote) return `<span class="md-quote">${inline(line.slice(quote[0].length), ctx)}</span>`;
    const item = /^(\s*)([•◦▪*-]|\d+\.)\s+/.exec(line);
    if (item) {
      const depth = 1 + Math.floor(item[1].length / 4);
      const bullet = /\d/.test(item[2]) ? item[2] : depth > 1 ? "◦" : "•";
      return `<span class="md-li" style="--depth:${depth}"><span class="md-bullet">${bullet}</span>${inline(line.slice(item[0].length), ctx)}</span>`;
    }
    return inline(line, ctx);
  }

  function mrkdwn(text, ctx) {
    return String(text || "")
      .split(/(```[\s\S]*?```)/g)
      .map((part) =>
        part.startsWith("```") && part.length >= 6
          ? `<pre class="md-pre">${esc(entities(part.slice(3, -3).replace(/^\n/, "")))}</pre>`
          : part.split("\n").map((line) => mrkdwnLine(line, ctx || {})).join("<br>"),
      )
      .join("");
  }

  function text(obj, ctx) {
    if (!obj) return "";
    if (typeof obj === "string") return mrkdwn(obj, ctx);
    return obj.type === "mrkdwn" ? mrkdwn(obj.text, ctx) : emoji(esc(obj.text || "")).replace(/\n/g, "<br>");
  }

  function unknown(kind, what) {
    return node("div", "bk-unknown", `⚠︎ Unsupported ${what}: <code>${esc(kind)}</code> (Slack may render it; the playground does not yet)`);
  }

  function options(el) {
    const all = [...(el.options || [])];
    for (const group of el.option_groups || []) all.push(...(group.options || []));
    return all;
  }

  function select(el, block, ctx, inInput) {
    const sel = node("select", "bk-select");
    const placeholder = node("option", "", esc((el.placeholder && el.placeholder.text) || "Select an item"));
    placeholder.value = "";
    placeholder.disabled = true;
    sel.appendChild(placeholder);
    for (const o of options(el)) {
      const opt = node("option", "", text(o.text));
      opt.value = o.value;
      sel.appendChild(opt);
    }
    sel.value = el.initial_option ? el.initial_option.value : "";
    sel.dataset.blockId = block.block_id;
    sel.dataset.actionId = el.action_id;
    if (!inInput) sel.addEventListener("change", () => ctx.onAction(block.block_id, el.action_id, sel.value));
    return sel;
  }

  function confirmed(el) {
    if (!el.confirm) return true;
    const c = el.confirm;
    return window.confirm(`${(c.title && c.title.text) || "Are you sure?"}\n\n${(c.text && c.text.text) || ""}`);
  }

  function element(el, block, ctx, inInput) {
    switch (el.type) {
      case "button": {
        const b = node("button", `bk-button ${el.style || ""}`, text(el.text));
        b.type = "button";
        b.dataset.actionId = el.action_id;
        b.addEventListener("click", () => {
          if (el.url) window.open(el.url, "_blank", "noopener");
          if (confirmed(el)) ctx.onAction(block.block_id, el.action_id, el.value || null);
        });
        return b;
      }
      case "overflow": {
        const wrap = node("span", "bk-overflow");
        const b = node("button", "bk-button bk-overflow-button", "⋯");
        b.type = "button";
        b.dataset.actionId = el.action_id;
        const menu = node("div", "bk-menu");
        for (const o of el.options || []) {
          const item = node("button", "bk-menu-item", text(o.text));
          item.type = "button";
          item.addEventListener("click", () => { menu.classList.remove("open"); ctx.onAction(block.block_id, el.action_id, o.value); });
          menu.appendChild(item);
        }
        b.addEventListener("click", () => menu.classList.toggle("open"));
        wrap.append(b, menu);
        return wrap;
      }
      case "static_select":
        return select(el, block, ctx, inInput);
      case "plain_text_input": {
        const input = el.multiline ? node("textarea", "bk-text-input") : node("input", "bk-text-input");
        if (el.multiline) input.rows = 4;
        input.value = el.initial_value || "";
        input.placeholder = (el.placeholder && el.placeholder.text) || "";
        if (el.max_length) input.maxLength = el.max_length;
        input.dataset.blockId = block.block_id;
        input.dataset.actionId = el.action_id;
        // dispatch_action: Slack sends block_actions as the person types (a pause) or presses Enter.
        const on = (inInput && block.dispatch_action && el.dispatch_action_config && el.dispatch_action_config.trigger_actions_on) || [];
        const dispatch = () => ctx.onAction(block.block_id, el.action_id, input.value);
        if (on.includes("on_enter_pressed")) {
          input.addEventListener("keydown", (e) => { if (e.key === "Enter" && !el.multiline) { e.preventDefault(); dispatch(); } });
        }
        if (on.includes("on_character_entered")) {
          input.addEventListener("input", () => { clearTimeout(input.dispatchTimer); input.dispatchTimer = setTimeout(dispatch, 500); });
        }
        return input;
      }
      case "image":
        return node("span", "bk-image-inline", `🖼 ${esc(el.alt_text || "image")}`);
      case "mrkdwn":
      case "plain_text":
        return node("span", "bk-context-text", text(el, ctx));
      default:
        return unknown(el.type, "element");
    }
  }

  function richText(block, ctx) {
    const inlineEls = (els) => (els || []).map((e) => {
      if (e.type === "text") {
        let s = esc(e.text).replace(/\n/g, "<br>");
        const st = e.style || {};
        if (st.code) s = `<code>${s}</code>`;
        if (st.bold) s = `<b>${s}</b>`;
        if (st.italic) s = `<i>${s}</i>`;
        if (st.strike) s = `<s>${s}</s>`;
        return s;
      }
      if (e.type === "link") return angle(`${e.url}|${e.text || e.url}`, ctx);
      if (e.type === "user") return angle(`@${e.user_id}`, ctx);
      if (e.type === "channel") return angle(`#${e.channel_id}`, ctx);
      if (e.type === "emoji") return EMOJI[e.name] || `:${esc(e.name)}:`;
      return `<span class="bk-unknown">${esc(e.type)}</span>`;
    }).join("");
    const out = node("div", "bk-rich");
    for (const part of block.elements || []) {
      if (part.type === "rich_text_section") out.appendChild(node("div", "", inlineEls(part.elements)));
      else if (part.type === "rich_text_preformatted") out.appendChild(node("pre", "md-pre", inlineEls(part.elements)));
      else if (part.type === "rich_text_quote") out.appendChild(node("div", "md-quote", inlineEls(part.elements)));
      else if (part.type === "rich_text_list") {
        const list = node(part.style === "ordered" ? "ol" : "ul", "bk-list");
        for (const item of part.elements || []) list.appendChild(node("li", "", inlineEls(item.elements)));
        out.appendChild(list);
      } else out.appendChild(unknown(part.type, "rich text part"));
    }
    return out;
  }

  // Slack folds a long section behind "Show more" unless the block asks for `expand`; what was
  // unfolded stays unfolded across re-renders (keyed by the text itself).
  const unfolded = new Set();

  function sectionText(b, ctx) {
    const el = node("div", "bk-text", text(b.text, ctx));
    const raw = String(b.text.text || "");
    if (b.expand || unfolded.has(raw) || (raw.length <= 700 && raw.split("\n").length <= 6)) return el;
    el.classList.add("bk-folded");
    const wrap = node("div");
    const more = node("button", "bk-show-more", "Show more");
    more.addEventListener("click", () => { unfolded.add(raw); el.classList.remove("bk-folded"); more.remove(); });
    wrap.append(el, more);
    return wrap;
  }

  function block(b, ctx) {
    const wrap = node("div", `bk-block bk-${b.type}`);
    wrap.dataset.blockId = b.block_id || "";
    switch (b.type) {
      case "section": {
        const main = node("div", "bk-section-main");
        if (b.text) main.appendChild(sectionText(b, ctx));
        if (b.fields) {
          const grid = node("div", "bk-fields");
          for (const f of b.fields) grid.appendChild(node("div", "bk-field", text(f, ctx)));
          main.appendChild(grid);
        }
        wrap.appendChild(main);
        if (b.accessory) wrap.appendChild(node("div", "bk-accessory")).appendChild(element(b.accessory, b, ctx, false));
        return wrap;
      }
      case "header":
        wrap.appendChild(node("div", "bk-header-text", text(b.text, ctx)));
        return wrap;
      case "divider":
        wrap.appendChild(node("hr"));
        return wrap;
      case "context":
        for (const e of b.elements || []) wrap.appendChild(element(e, b, ctx, false));
        return wrap;
      case "actions":
        for (const e of b.elements || []) wrap.appendChild(element(e, b, ctx, false));
        return wrap;
      case "input": {
        const label = node("label", "bk-label", text(b.label, ctx));
        if (b.optional) label.appendChild(node("span", "bk-optional", " (optional)"));
        wrap.appendChild(label);
        wrap.appendChild(b.element ? element(b.element, b, ctx, true) : unknown("missing", "input element"));
        if (b.hint) wrap.appendChild(node("div", "bk-hint", text(b.hint, ctx)));
        wrap.appendChild(node("div", "bk-error"));
        return wrap;
      }
      case "image":
        wrap.appendChild(node("div", "bk-image", `🖼 ${esc((b.title && b.title.text) || b.alt_text || "image")}`));
        return wrap;
      case "rich_text":
        wrap.appendChild(richText(b, ctx));
        return wrap;
      default:
        wrap.appendChild(unknown(b.type, "block"));
        return wrap;
    }
  }

  function renderBlocks(blocks, ctx) {
    const wrap = node("div", "bk-blocks");
    for (const b of blocks || []) wrap.appendChild(block(b, ctx));
    return wrap;
  }

  window.BlockKit = { renderBlocks, mrkdwn, text, esc };
})();
