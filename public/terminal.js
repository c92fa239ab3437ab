// Berth's terminal glue: an xterm.js terminal (vendored from npm into /vendor/xterm/, see
// scripts/vendor-assets.sh) joined to the exec WebSocket of Berth's REST API.
//
// The console's Terminal tab renders <div data-terminal-url="/api/containers/web/exec/ws?..."
// data-terminal-session="..."> and loads this file; it starts every such box: binary frames from the server are
// the output, keystrokes go back as binary frames, resizes as {"type": "resize", "cols", "rows"}, and the
// server's {"type": "exit", "exit_code": N} ends the session. window.berthStopTerminal(session) ends one.
(function () {
  "use strict";
  const sessions = new Map();
  let loading = null;

  function loadXterm() {
    if (window.Terminal) return Promise.resolve();
    if (loading) return loading;
    loading = new Promise((resolve, reject) => {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = "/vendor/xterm/xterm.css";
      document.head.appendChild(css);
      const script = document.createElement("script");
      script.src = "/vendor/xterm/xterm.js";
      script.onload = () => resolve();
      script.onerror = () => reject(new Error("could not load /vendor/xterm/xterm.js"));
      document.head.appendChild(script);
    });
    return loading;
  }

  function socketUrl(path) {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${window.location.host}${path}`;
  }

  // Columns and rows that fit the box, from the size of one character cell.
  function fit(term, box) {
    const cell = term._core && term._core._renderService && term._core._renderService.dimensions;
    const width = cell && cell.css && cell.css.cell ? cell.css.cell.width : 9;
    const height = cell && cell.css && cell.css.cell ? cell.css.cell.height : 17;
    const cols = Math.max(20, Math.floor((box.clientWidth - 16) / width));
    const rows = Math.max(5, Math.floor((box.clientHeight - 8) / height));
    if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
  }

  function start(box) {
    const session = box.dataset.terminalSession;
    if (!session || sessions.has(session)) return;
    box.dataset.terminalStarted = "true";
    const term = new window.Terminal({ cursorBlink: true, convertEol: false, fontSize: 14 });
    term.open(box);
    fit(term, box);
    const socket = new WebSocket(socketUrl(box.dataset.terminalUrl));
    socket.binaryType = "arraybuffer";
    const encoder = new TextEncoder();
    const sendResize = () => {
      if (socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "resize", cols: term.cols, rows: term.rows }));
      }
    };
    socket.onopen = () => {
      box.dataset.terminalState = "open";
      sendResize();
      term.focus();
    };
    socket.onmessage = (message) => {
      if (typeof message.data === "string") {
        try {
          const control = JSON.parse(message.data);
          if (control.type === "exit") {
            term.write(`\r\n[exited with code ${control.exit_code}]\r\n`);
            box.dataset.terminalState = "exited";
          }
        } catch (_) {
          term.write(message.data);
        }
        return;
      }
      term.write(new Uint8Array(message.data));
    };
    socket.onclose = () => {
      if (box.dataset.terminalState !== "exited") {
        box.dataset.terminalState = "closed";
        term.write("\r\n[connection closed]\r\n");
      }
    };
    const input = term.onData((data) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(encoder.encode(data));
    });
    const observer = new ResizeObserver(() => {
      fit(term, box);
      sendResize();
    });
    observer.observe(box);
    sessions.set(session, { term, socket, input, observer });
  }

  window.berthStartTerminals = function () {
    loadXterm()
      .then(() => document.querySelectorAll("[data-terminal-url]").forEach(start))
      .catch((err) => {
        document.querySelectorAll("[data-terminal-url]").forEach((box) => {
          box.dataset.terminalState = "failed";
          box.textContent = `The terminal could not start: ${err.message}`;
        });
      });
  };

  window.berthStopTerminal = function (session) {
    const found = sessions.get(session);
    if (!found) return;
    sessions.delete(session);
    found.observer.disconnect();
    found.input.dispose();
    found.socket.close();
    found.term.dispose();
  };

  window.berthStartTerminals();
})();
