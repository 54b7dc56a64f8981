// The console's chat panel: the queue with wait times, presence, and one conversation at a
// time. Every chat's lines arrive on one socket; lines are kept per chat by sequence number.
(function () {
  "use strict";
  var root = document.getElementById("staff-chat");
  if (!root || !window.WebSocket) return;
  var el = function (id) { return document.getElementById(id); };
  var socket = null, reconnectTimer = null, retries = 0, queue = [], me = null, colleagues = [];
  var selected = root.getAttribute("data-selected") || null;
  var lines = {};   // chatId -> {seq: line}
  var pending = {}; // clientId -> {chatId, body}
  var lastTyping = 0, typingTimer = null;

  function status(text) { el("staff-chat-connection").textContent = text; }
  function showAlert(text) { var box = el("staff-chat-alert"); box.textContent = text || ""; box.hidden = !text; }
  function send(frame) { if (socket && socket.readyState === 1) { socket.send(JSON.stringify(frame)); return true; } return false; }
  function newId() { return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12); }
  function chat(id) { for (var i = 0; i < queue.length; i++) if (queue[i].chatId === id) return queue[i]; return null; }
  function lastSeqOf(id) { var max = 0; for (var seq in lines[id] || {}) max = Math.max(max, Number(seq)); return max; }

  function waited(since) {
    var seconds = Math.max(0, Math.floor((Date.now() - new Date(since).getTime()) / 1000));
    if (seconds < 60) return seconds + "s";
    var minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + " min";
    return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function renderQueue() {
    var list = el("chat-queue");
    list.textContent = "";
    el("queue-empty").hidden = queue.length > 0;
    queue.forEach(function (entry) {
      var item = document.createElement("li");
      item.setAttribute("data-chat", entry.chatId);
      if (entry.chatId === selected) item.className = "selected";
      var open = document.createElement("button");
      open.type = "button";
      open.className = "link-button open-chat";
      open.textContent = entry.visitorName + (entry.reference ? " (" + entry.reference + ")" : "");
      open.addEventListener("click", function () { select(entry.chatId); });
      item.appendChild(open);
      var detail = document.createElement("div");
      detail.className = "queue-detail";
      var words = entry.state === "waiting" ? "Waiting " : entry.agentName ? "With " + entry.agentName + " · " : "";
      detail.textContent = words + (entry.state === "waiting" ? waited(entry.waitingSince) : "");
      detail.setAttribute("data-since", entry.waitingSince);
      detail.setAttribute("data-state", entry.state);
      item.appendChild(detail);
      if (entry.emergency) {
        item.className += " emergency";
        var alarm = document.createElement("strong");
        alarm.className = "tag tag-urgent";
        alarm.textContent = "Emergency: told to call 999";
        item.insertBefore(alarm, item.firstChild);
      }
      if (entry.outOfHours) {
        var tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = "Out of hours";
        item.appendChild(tag);
      }
      list.appendChild(item);
    });
    renderConversationMeta();
  }

  function renderAgents(agents) {
    var list = el("chat-agents");
    list.textContent = "";
    (agents || []).forEach(function (agent) {
      var item = document.createElement("li");
      item.textContent = agent.name + ": " + (agent.status === "available" ? "Available" : "Away");
      list.appendChild(item);
    });
  }

  function renderConversationMeta() {
    var entry = selected && chat(selected);
    el("conversation").hidden = !selected;
    el("conversation-empty").hidden = !!selected;
    if (!selected) return;
    var meta = entry ? entry.visitorName + (entry.reference ? " · " + entry.reference : "") + " · " +
      (entry.state === "waiting" ? "waiting" : entry.state === "active" ? "with " + (entry.agentName || "an agent") : entry.state)
      : "This chat has ended.";
    el("conversation-meta").textContent = meta;
    el("chat-accept").hidden = !entry || entry.state !== "waiting";
    var link = el("chat-case-link");
    link.hidden = !(entry && entry.caseId);
    if (entry && entry.caseId) link.href = root.getAttribute("data-cases") + "/" + entry.caseId;
  }

  function renderLog() {
    var log = el("staff-chat-log");
    log.textContent = "";
    var byseq = lines[selected] || {};
    Object.keys(byseq).map(Number).sort(function (a, b) { return a - b; }).forEach(function (seq) {
      var line = byseq[seq];
      var item = document.createElement("li");
      item.className = "author-" + line.author;
      item.setAttribute("data-seq", String(seq));
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = line.author === "visitor" ? (line.name || "Visitor") : line.author === "system" ? "System"
        : line.author === "note" ? "Internal note by " + (line.name || "staff") : (line.name || "Agent");
      var body = document.createElement("span");
      body.className = "body";
      body.textContent = line.body;
      if (line.emergency) {
        // Colour and words: the line is marked, not only tinted.
        item.className += " emergency";
        var mark = document.createElement("strong");
        mark.className = "tag tag-urgent";
        mark.textContent = line.author === "visitor" ? "Emergency words" : "999 signposting sent";
        item.appendChild(mark);
      }
      item.appendChild(who);
      item.appendChild(body);
      log.appendChild(item);
    });
  }

  function select(id) {
    selected = id;
    el("staff-chat-typing").textContent = "";
    renderQueue();
    renderLog();
    send({ type: "watch", chatId: id, lastSeq: lastSeqOf(id) });
    var transfer = el("chat-transfer-to");
    transfer.textContent = "";
    colleagues.forEach(function (c) {
      var option = document.createElement("option");
      option.value = c.id; option.textContent = c.name;
      transfer.appendChild(option);
    });
    if (window.history && window.history.replaceState) window.history.replaceState(null, "", root.getAttribute("data-page") + "?chat=" + id);
  }

  function handle(frame) {
    switch (frame.type) {
      case "panel":
        queue = frame.queue || [];
        if (frame.me) me = frame.me;
        if (frame.colleagues) colleagues = frame.colleagues;
        renderQueue();
        renderAgents(frame.agents);
        if (me) {
          (frame.agents || []).forEach(function (a) { if (a.id === me.id) el("presence").value = a.status; });
        }
        break;
      case "message":
        (lines[frame.chatId] = lines[frame.chatId] || {})[frame.line.seq] = frame.line;
        if (frame.chatId === selected) { renderLog(); el("staff-chat-typing").textContent = ""; }
        break;
      case "received":
        delete pending[frame.clientId];
        break;
      case "state":
        // Accepted or ended: the Accept button goes at once, before the next queue arrives.
        var changed = chat(frame.chatId);
        if (changed && frame.state) {
          changed.state = frame.state;
          if (frame.message) changed.agentName = frame.message;
        }
        renderConversationMeta();
        break;
      case "typing":
        if (frame.chatId === selected && frame.from === "visitor") {
          el("staff-chat-typing").textContent = frame.active ? "The visitor is typing…" : "";
        }
        break;
      case "seen":
        break;
      case "error":
        if (frame.clientId && pending[frame.clientId]) {
          var failed = pending[frame.clientId];
          delete pending[frame.clientId];
          if (!el("staff-chat-message").value) el("staff-chat-message").value = failed.body;
        }
        showAlert(frame.message);
        break;
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-socket"));
    socket.onopen = function () {
      retries = 0;
      status("Connected");
      send({ type: "hello" });
      send({ type: "presence", status: el("presence").value });
      if (selected) send({ type: "watch", chatId: selected, lastSeq: lastSeqOf(selected) });
      for (var id in pending) send({ type: pending[id].kind, chatId: pending[id].chatId, clientId: id, body: pending[id].body });
    };
    socket.onmessage = function (event) { try { handle(JSON.parse(event.data)); } catch (e) { /* unreadable frame */ } };
    socket.onclose = function () {
      socket = null;
      status("Connection lost. Reconnecting…");
      window.clearTimeout(reconnectTimer);
      reconnectTimer = window.setTimeout(connect, Math.min(10000, 500 * Math.pow(2, retries++)));
    };
  }
  window.addEventListener("offline", function () { if (socket) socket.close(); });
  window.addEventListener("online", function () {
    if (!socket) { retries = 0; window.clearTimeout(reconnectTimer); connect(); }
  });

  function post(kind) {
    var box = el("staff-chat-message");
    if (!selected) return;
    if (!box.value.trim()) { showAlert("Write a message first."); box.focus(); return; }
    showAlert("");
    var id = newId();
    pending[id] = { kind: kind, chatId: selected, body: box.value };
    send({ type: kind, chatId: selected, clientId: id, body: box.value });
    box.value = "";
  }

  el("staff-chat-form").addEventListener("submit", function (event) { event.preventDefault(); post("reply"); });
  el("chat-note").addEventListener("click", function () { post("note"); });
  el("chat-accept").addEventListener("click", function () { send({ type: "accept", chatId: selected }); });
  el("chat-end").addEventListener("click", function () { send({ type: "end", chatId: selected }); });
  el("chat-incident").addEventListener("click", function () { send({ type: "incident", chatId: selected }); });
  el("chat-transfer").addEventListener("click", function () {
    send({ type: "transfer", chatId: selected, to: el("chat-transfer-to").value });
  });
  el("presence").addEventListener("change", function () { send({ type: "presence", status: el("presence").value }); });
  el("staff-chat-message").addEventListener("input", function () {
    if (!selected) return;
    var now = Date.now();
    if (now - lastTyping > 3000) { lastTyping = now; send({ type: "typing", chatId: selected, active: true }); }
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { lastTyping = 0; send({ type: "typing", chatId: selected, active: false }); }, 4000);
  });
  window.setInterval(function () {
    var details = document.querySelectorAll(".queue-detail[data-state=waiting]");
    for (var i = 0; i < details.length; i++) details[i].textContent = "Waiting " + waited(details[i].getAttribute("data-since"));
  }, 1000);
  if (selected) { el("conversation").hidden = false; el("conversation-empty").hidden = true; }
  connect();
  if (selected) select(selected);
})();
