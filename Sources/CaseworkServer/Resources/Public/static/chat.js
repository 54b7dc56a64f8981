// Live chat for visitors. Lines are numbered by the server (seq); each line this page sends
// carries its own id (clientId) until the server says it is stored, and is sent again after a
// reconnect until then. Lines already shown are never shown twice.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root || !window.WebSocket) return;
  root.hidden = false;
  var storageKey = "casework.chat";
  var saved = {};
  try { saved = JSON.parse(window.localStorage.getItem(storageKey) || "{}") || {}; } catch (e) { saved = {}; }
  var token = saved.token || null;
  var lastSeq = saved.lastSeq || 0;
  var pending = []; // {clientId, body, element}
  var shown = {};   // seq -> element
  var socket = null, reconnectTimer = null, retries = 0, ended = false, intakeOpen = true, typingTimer = null, lastTyping = 0;
  var el = function (id) { return document.getElementById(id); };
  var log = el("chat-log"), message = el("chat-message"), alertBox = el("chat-alert");

  function save() {
    try { window.localStorage.setItem(storageKey, JSON.stringify({ token: token, lastSeq: lastSeq })); } catch (e) { /* private mode */ }
  }
  function status(text) { el("chat-connection").textContent = text; }
  function showAlert(text) { alertBox.textContent = text; alertBox.hidden = !text; }
  function newId() { return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12); }

  function render(line, element) {
    element = element || document.createElement("li");
    // The 999 line stands apart from ordinary system lines: an alert, in colour and words.
    var urgent = line.author === "system" && line.emergency;
    element.className = "author-" + line.author + (urgent ? " emergency" : "");
    if (urgent) element.setAttribute("role", "alert");
    element.textContent = "";
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = urgent ? "Urgent: call 999 if you need help now"
      : line.author === "visitor" ? "You" : line.author === "system" ? "Support" : (line.name || "Support team");
    var state = document.createElement("span");
    state.className = "state";
    who.appendChild(state);
    var body = document.createElement("span");
    body.className = "body";
    body.textContent = line.body; // text, never HTML
    element.appendChild(who);
    element.appendChild(body);
    if (line.seq) element.setAttribute("data-seq", String(line.seq));
    return element;
  }

  function place(element, seq) {
    // Keep lines in sequence order even if they arrive out of order.
    var children = log.children;
    for (var i = 0; i < children.length; i++) {
      var other = Number(children[i].getAttribute("data-seq") || Infinity);
      if (other > seq) { log.insertBefore(element, children[i]); return; }
    }
    log.appendChild(element);
  }

  function showLine(line) {
    if (shown[line.seq]) return;
    var waiting = null;
    for (var i = 0; i < pending.length; i++) {
      if (line.clientId && pending[i].clientId === line.clientId) { waiting = pending.splice(i, 1)[0]; break; }
    }
    var element = render(line, waiting && waiting.element);
    element.classList.remove("sending");
    shown[line.seq] = element;
    if (waiting) log.removeChild(element);
    place(element, line.seq);
    if (line.seq > lastSeq) { lastSeq = line.seq; save(); }
    if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "ack", seq: line.seq }));
  }

  function setState(state, reference) {
    if (reference) { var ref = el("chat-reference"); ref.hidden = false; ref.textContent = "Your reference: " + reference; }
    ended = state === "ended";
    el("chat-end").hidden = ended || !token;
    el("chat-transcript").hidden = !token;
    el("chat-new").hidden = !ended;
    el("chat-form").hidden = ended || (!token && !intakeOpen);
    el("chat-about").hidden = !!token;
  }

  function transmit(item) {
    if (!socket || socket.readyState !== 1) return;
    var frame = { type: "send", clientId: item.clientId, body: item.body };
    if (!token) { frame.name = el("chat-name").value; frame.email = el("chat-email").value; }
    socket.send(JSON.stringify(frame));
  }

  function handle(frame) {
    switch (frame.type) {
      case "welcome":
        if (frame.hours) {
          el("chat-hours-words").textContent = frame.hours.words;
          el("chat-hours").classList.toggle("is-open", frame.hours.open);
        }
        intakeOpen = !frame.intake || frame.intake.open;
        if (!intakeOpen && !token) showAlert(frame.intake.message);
        if (frame.reset) { log.textContent = ""; shown = {}; lastSeq = 0; save(); pending.forEach(function (p) { log.appendChild(p.element); }); }
        setState(frame.state, frame.reference);
        // Lines not yet confirmed go again; the server stores each clientId once.
        pending.forEach(transmit);
        break;
      case "session":
        token = frame.token; save(); setState(frame.state);
        break;
      case "received":
        for (var i = 0; i < pending.length; i++) {
          if (pending[i].clientId === frame.clientId) {
            var item = pending.splice(i, 1)[0];
            item.element.classList.remove("sending");
            item.element.setAttribute("data-seq", String(frame.seq));
            if (!shown[frame.seq]) { shown[frame.seq] = item.element; log.removeChild(item.element); place(item.element, frame.seq); }
            else if (shown[frame.seq] !== item.element) log.removeChild(item.element);
            break;
          }
        }
        if (frame.seq > lastSeq) { lastSeq = frame.seq; save(); }
        break;
      case "message":
        showLine(frame.line);
        break;
      case "typing":
        el("chat-typing").textContent = frame.active ? (frame.message || "The support team") + " is typing…" : "";
        break;
      case "state":
        setState(frame.state, frame.reference);
        break;
      case "transcript":
        showAlert("");
        status("We have emailed the transcript to " + frame.email + ".");
        break;
      case "error":
        if (frame.clientId) {
          for (var j = 0; j < pending.length; j++) {
            if (pending[j].clientId === frame.clientId) {
              var failed = pending.splice(j, 1)[0];
              log.removeChild(failed.element);
              // Nothing typed is lost: the text goes back in the box.
              if (!message.value) message.value = failed.body;
            }
          }
        }
        showAlert(frame.message);
        if (frame.code === "forbidden") { token = null; lastSeq = 0; save(); }
        break;
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + root.getAttribute("data-socket"));
    socket.onopen = function () {
      retries = 0;
      status("Connected");
      socket.send(JSON.stringify({ type: "hello", token: token, lastSeq: lastSeq }));
    };
    socket.onmessage = function (event) {
      try { handle(JSON.parse(event.data)); } catch (e) { /* ignore a frame we cannot read */ }
    };
    socket.onclose = function () {
      socket = null;
      var wait = Math.min(10000, 500 * Math.pow(2, retries++));
      status("Connection lost. Reconnecting…");
      window.clearTimeout(reconnectTimer);
      reconnectTimer = window.setTimeout(connect, wait);
    };
  }

  // The browser knows before TCP does when the network goes: drop the socket at once (lines
  // written meanwhile wait in the page) and reconnect as soon as it is back.
  window.addEventListener("offline", function () { if (socket) socket.close(); });
  window.addEventListener("online", function () {
    if (!socket) { retries = 0; window.clearTimeout(reconnectTimer); connect(); }
  });

  el("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = message.value;
    if (!body.trim()) { showAlert("Write a message before sending."); message.focus(); return; }
    var max = Number(root.getAttribute("data-max"));
    if (body.length > max) { showAlert("A message can be up to " + max + " characters. Split it into shorter messages."); return; }
    showAlert("");
    var item = { clientId: newId(), body: body };
    item.element = render({ author: "visitor", body: body });
    item.element.classList.add("sending");
    log.appendChild(item.element);
    pending.push(item);
    message.value = "";
    transmit(item);
  });
  message.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) el("chat-send").click();
  });
  message.addEventListener("input", function () {
    if (!token || !socket || socket.readyState !== 1) return;
    var now = Date.now();
    if (now - lastTyping > 3000) { lastTyping = now; socket.send(JSON.stringify({ type: "typing", active: true })); }
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () {
      lastTyping = 0;
      if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "typing", active: false }));
    }, 4000);
  });
  el("chat-end").addEventListener("click", function () {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "end" }));
  });
  el("chat-transcript").addEventListener("click", function () {
    var email = el("chat-email").value || window.prompt("Which email address should we send the transcript to?") || "";
    if (socket && socket.readyState === 1) socket.send(JSON.stringify({ type: "transcript", email: email || null }));
  });
  el("chat-new").addEventListener("click", function () {
    token = null; lastSeq = 0; shown = {}; save(); log.textContent = "";
    el("chat-reference").hidden = true;
    setState("new");
    if (socket) socket.close();
  });
  setState(token ? "waiting" : "new");
  connect();
})();
