// The chat panel: one WebSocket to the video's room, resumed with ?since= after a drop so nothing repeats or goes missing.
import { closeExplanation, describeLiveEvent, politeChatError, presenceText, reconnectDelayMs } from './chat-text.js';

const $ = (id) => document.getElementById(id);
// A room that never accepts (bad token, chat switched off) is given up on after this many tries in a row.
const MAX_FAILED_CONNECTS = 6;

export function startChat(chat) {
  const log = $('chat-log');
  const status = $('chat-status');
  const presence = $('chat-presence');
  const form = $('chat-form');
  const input = $('chat-input');
  const send = $('chat-send');
  const shown = new Map(); // message id → <li>, for deletions
  let lastSeq = null;
  let socket = null;
  let attempt = 0;
  let opened = false;

  const setConnected = (connected) => {
    input.disabled = !connected;
    send.disabled = !connected;
  };
  const append = (className, build) => {
    const item = document.createElement('li');
    item.className = className;
    build(item);
    log.append(item);
    // Follow the conversation unless the viewer scrolled up to read.
    if (log.scrollHeight - log.scrollTop - log.clientHeight < 80) log.scrollTop = log.scrollHeight;
    return item;
  };
  const showMessage = (message) => {
    if (lastSeq !== null && message.seq <= lastSeq) return;
    lastSeq = message.seq;
    const item = append(`chat-message role-${message.user.role}`, (li) => {
      const name = document.createElement('strong');
      name.textContent = message.user.name;
      const text = document.createElement('span');
      text.textContent = ` ${message.text}`; // textContent only: chat text is never HTML
      li.append(name, text);
    });
    shown.set(message.id, item);
  };

  const handlers = {
    history(frame) {
      if (frame.truncated) append('chat-notice', (li) => (li.textContent = 'Some earlier messages are no longer available.'));
      for (const message of frame.messages) showMessage(message);
      lastSeq = Math.max(lastSeq ?? 0, frame.lastSeq);
    },
    message: showMessage,
    presence: (frame) => (presence.textContent = presenceText(frame.count)),
    event: (frame) => append('chat-event', (li) => (li.textContent = describeLiveEvent(frame.event))),
    deleted(frame) {
      const item = shown.get(frame.id);
      if (item) item.replaceChildren(Object.assign(document.createElement('em'), { textContent: 'Message removed by a moderator.' }));
    },
    error: (frame) => (status.textContent = politeChatError(frame)),
  };

  const connect = () => {
    const url = new URL(`/rooms/${encodeURIComponent(chat.room)}/ws`, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = new URLSearchParams({ token: chat.token, v: '1', ...(lastSeq !== null ? { since: String(lastSeq) } : {}) }).toString();
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      attempt = 0;
      opened = true;
      status.textContent = '';
      setConnected(true);
    });
    socket.addEventListener('message', (event) => {
      let frame;
      try {
        frame = JSON.parse(String(event.data));
      } catch {
        return; // the room only sends JSON; anything else is ignored rather than shown
      }
      handlers[frame?.type]?.(frame);
    });
    socket.addEventListener('close', (event) => {
      setConnected(false);
      presence.textContent = '';
      const { text, reconnect } = closeExplanation(event.code);
      const givingUp = !reconnect || attempt >= MAX_FAILED_CONNECTS;
      status.textContent = givingUp && !opened ? "Chat isn't available right now. The video plays as usual." : givingUp ? text.replace(' Reconnecting…', '') : text;
      if (!givingUp) setTimeout(connect, reconnectDelayMs(attempt++));
    });
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || socket?.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: 'send', text, nonce: crypto.randomUUID() }));
    input.value = '';
    status.textContent = '';
  });
  connect();
}
