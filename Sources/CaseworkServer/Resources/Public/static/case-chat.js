// A chat's case page: lines written after the page was drawn appear in the timeline as they
// arrive (from the console's chat socket), visitor and agent lines and notes alike.
(function () {
  "use strict";
  var box = document.getElementById("case-chat-live");
  if (!box || !window.WebSocket) return;
  var chatId = box.getAttribute("data-chat");
  var lastSeq = Number(box.getAttribute("data-last-seq") || 0);
  var list = document.getElementById("case-chat-lines");
  var shown = {}, retries = 0;
  var names = { visitor: "Visitor", agent: "Support team", note: "Internal note", system: "Casework" };

  function add(line) {
    if (line.seq <= lastSeq || shown[line.seq]) return;
    shown[line.seq] = true;
    var item = document.createElement("li");
    item.className = "message message-" + (line.author === "visitor" ? "inbound" : line.author === "note" ? "note" : "outbound");
    item.setAttribute("data-seq", String(line.seq));
    var meta = document.createElement("p");
    meta.className = "meta";
    var who = document.createElement("strong");
    who.textContent = line.name || names[line.author] || line.author;
    meta.appendChild(who);
    meta.appendChild(document.createTextNode(" · live chat"));
    var body = document.createElement("div");
    body.className = "body";
    body.textContent = line.body;
    item.appendChild(meta);
    item.appendChild(body);
    var after = null;
    for (var i = 0; i < list.children.length; i++) {
      if (Number(list.children[i].getAttribute("data-seq")) > line.seq) { after = list.children[i]; break; }
    }
    list.insertBefore(item, after);
    box.hidden = false;
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + box.getAttribute("data-socket"));
    socket.onopen = function () {
      retries = 0;
      var seen = Object.keys(shown).map(Number);
      socket.send(JSON.stringify({ type: "watch", chatId: chatId, lastSeq: Math.max.apply(null, [lastSeq].concat(seen)) }));
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === "message" && frame.chatId === chatId && frame.line) add(frame.line);
    };
    socket.onclose = function () { window.setTimeout(connect, Math.min(10000, 500 * Math.pow(2, retries++))); };
  }
  connect();
})();
