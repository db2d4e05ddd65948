// The chat panel: one WebSocket to the room beside the video, resumed with ?since= after a drop so nothing repeats
// or goes missing. With a chat token the viewer is who the token says; with only the watch link (the playback token)
// the viewer reads, and writes under a display name they pick, when the room lets guests write.
import { closeExplanation, describeLiveEvent, guestNameProblem, politeChatError, presenceText, reconnectDelayMs, welcomeState } from './chat-text.js';

const $ = (id) => document.getElementById(id);
// A room that never accepts (bad token, chat switched off) is given up on after this many tries in a row.
const MAX_FAILED_CONNECTS = 6;
const NAME_KEY = 'vora.chat.name';
const VIEWER_KEY = 'vora.chat.viewer';

/** Storage may be off (privacy modes): then the name lasts the page, and each page is a new browser id. */
function remembered(key, make) {
  try {
    const value = localStorage.getItem(key) ?? make?.();
    if (value) localStorage.setItem(key, value);
    return value ?? null;
  } catch {
    return make?.() ?? null;
  }
}

function remember(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // not kept: the name still works for this page
  }
}

export function startChat(chat, playbackToken) {
  const log = $('chat-log');
  const status = $('chat-status');
  const presence = $('chat-presence');
  const form = $('chat-form');
  const input = $('chat-input');
  const label = $('chat-input-label');
  const send = $('chat-send');
  const shown = new Map(); // message id → <li>, for deletions
  const viewerId = chat.token ? null : remembered(VIEWER_KEY, () => crypto.randomUUID());
  const stored = chat.token ? null : remembered(NAME_KEY);
  let name = stored && guestNameProblem(stored) === null ? stored : null;
  let mode = 'connecting'; // 'message' | 'name' | 'read' | 'connecting'
  let lastSeq = null;
  let socket = null;
  let attempt = 0;
  let opened = false;

  /** The form writes messages, or asks for the display name writing needs, or is off. */
  const setMode = (next) => {
    mode = next;
    const asksName = next === 'name';
    label.textContent = asksName ? 'Display name' : 'Message';
    input.placeholder = asksName ? 'Pick a display name to chat' : 'Say something…';
    input.maxLength = asksName ? 32 : 500;
    send.textContent = asksName ? 'Join chat' : 'Send';
    input.disabled = next === 'connecting' || next === 'read';
    send.disabled = input.disabled;
    form.dataset.mode = next;
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
      const who = document.createElement('strong');
      who.textContent = message.user.name;
      const text = document.createElement('span');
      text.textContent = ` ${message.text}`; // textContent only: chat text is never HTML
      li.append(who, text);
    });
    shown.set(message.id, item);
  };

  const handlers = {
    history(frame) {
      if (frame.truncated) append('chat-notice', (li) => (li.textContent = 'Some earlier messages are no longer available.'));
      for (const message of frame.messages) showMessage(message);
      lastSeq = Math.max(lastSeq ?? 0, frame.lastSeq);
    },
    welcome(frame) {
      const state = welcomeState(frame);
      setMode(state.mode);
      status.textContent = state.status;
    },
    message: showMessage,
    // Protocol v2: a busy room sends the messages of one short window together.
    messages: (frame) => frame.messages.forEach(showMessage),
    presence: (frame) => (presence.textContent = presenceText(frame.count)),
    event(frame) {
      const { kind, text } = describeLiveEvent(frame.event);
      append(`chat-event event-${kind}`, (li) => {
        li.dataset.eventType = frame.event.type;
        li.textContent = text;
      });
    },
    deleted(frame) {
      const item = shown.get(frame.id);
      if (item) item.replaceChildren(Object.assign(document.createElement('em'), { textContent: 'Message removed by a moderator.' }));
    },
    error(frame) {
      status.textContent = politeChatError(frame);
      if (frame.code === 'name_required') setMode('name');
      if (frame.code === 'members_only') setMode('read');
    },
  };

  const connect = () => {
    const url = new URL(`/rooms/${encodeURIComponent(chat.room)}/ws`, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const credential = chat.token ? { token: chat.token } : { playback: playbackToken, viewer: viewerId, ...(name ? { name } : {}) };
    url.search = new URLSearchParams({ ...credential, v: '2', ...(lastSeq !== null ? { since: String(lastSeq) } : {}) }).toString();
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      attempt = 0;
      opened = true;
      status.textContent = '';
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
      if (event.target !== socket) return; // a socket replaced on purpose (a new display name)
      setMode('connecting');
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
    input.value = '';
    if (mode === 'name') {
      const problem = guestNameProblem(text);
      if (problem) {
        status.textContent = problem;
        input.value = text;
        return;
      }
      // The name travels with the join: reconnect from where this socket was, so nothing repeats.
      name = text;
      remember(NAME_KEY, name);
      const previous = socket;
      setMode('connecting');
      connect();
      previous.close(1000, 'new display name');
      return;
    }
    socket.send(JSON.stringify({ type: 'send', text, nonce: crypto.randomUUID() }));
    status.textContent = '';
  });
  setMode('connecting');
  connect();
}
