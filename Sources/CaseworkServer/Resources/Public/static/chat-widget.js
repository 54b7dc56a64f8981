// The embeddable chat widget: add <script src="https://YOUR-CASEWORK/static/chat-widget.js" async></script>
// to any page. It adds a "Live chat" button that opens the chat page in a frame.
(function () {
  "use strict";
  if (window.__caseworkChat) return;
  window.__caseworkChat = true;
  var script = document.currentScript;
  var origin = script ? new URL(script.src).origin : window.location.origin;
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = "Live chat";
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;right:20px;bottom:20px;z-index:2147483000;font:600 18px system-ui,sans-serif;" +
    "background:#00703c;color:#fff;border:0;border-bottom:2px solid #002d18;padding:12px 18px;cursor:pointer";
  var frame = null;
  button.addEventListener("click", function () {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.title = "Live chat with technical support";
      frame.src = origin + "/chat?embed=true";
      frame.style.cssText = "position:fixed;right:20px;bottom:80px;width:400px;max-width:calc(100vw - 40px);height:620px;" +
        "max-height:calc(100vh - 100px);border:2px solid #0b0c0c;background:#fff;z-index:2147483000";
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    button.setAttribute("aria-expanded", String(!frame.hidden));
    button.textContent = frame.hidden ? "Live chat" : "Close chat";
  });
  document.body.appendChild(button);
})();
