// The WebSocket session (docs/protocol.md "WebSocket"): joins, sends requests, hands every server
// message to onMessage, and reconnects by itself — with exponential backoff and jitter — after a
// network drop or a server restart, joining the same meeting with the same identity again. It
// stops only when the person leaves, the server closes the session on purpose (sessionClosed) or
// the join is refused for a reason that a retry cannot change.
//
// No DOM here: the WebSocket constructor and the timers are passed in, so tests/web drives it with
// a fake socket and a fake clock.

// Join refusals that retrying cannot fix (the person must act: new link, other unit, ...).
export const FATAL_JOIN_ERRORS = new Set([
    'unauthorized', 'forbidden', 'not_invited', 'removed', 'meeting_locked', 'room_endpoint_taken',
    'meeting_not_found', 'bad_message', 'wrong_state',
]);

export const BACKOFF_FIRST_MS = 500;
export const BACKOFF_MAX_MS = 15000;

// Delay before reconnect attempt `attempt` (0-based): doubling from 0.5 s up to 15 s, each drawn
// between half and the whole of that, so that a hundred halls do not all come back at once.
export function backoffMs(attempt, random = Math.random) {
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(attempt, 20));
    return Math.round(ceiling * (0.5 + 0.5 * random()));
}

export class Session {
    // options: {url, join (the join message without type), WebSocketImpl, onMessage(msg),
    //           onStatus(status, detail), setTimeout, clearTimeout, random}
    constructor(options) {
        this.options = options;
        this.socket = null;
        this.attempt = 0;
        this.timer = null;
        this.stopped = false;
        this.joined = false;
        this.nextRequestId = 1;
    }

    start() {
        this.stopped = false;
        this.connect();
    }

    connect() {
        const {url, WebSocketImpl} = this.options;
        this.status(this.attempt === 0 ? 'connecting' : 'reconnecting');
        let socket;
        try {
            socket = new WebSocketImpl(url);
        } catch (e) {
            this.retry();
            return;
        }
        this.socket = socket;
        socket.onopen = () => {
            if (socket !== this.socket) return;
            socket.send(JSON.stringify({type: 'join', ...this.options.join}));
        };
        socket.onmessage = (event) => {
            if (socket !== this.socket) return;
            let message;
            try {
                message = JSON.parse(event.data);
            } catch (e) {
                return;  // the server only sends JSON; anything else is ignored
            }
            this.receive(message);
        };
        socket.onclose = () => {
            if (socket !== this.socket) return;
            this.socket = null;
            this.joined = false;
            if (!this.stopped) this.retry();
        };
        socket.onerror = () => {};  // onclose follows
    }

    receive(message) {
        if (message.type === 'joined') {
            this.joined = true;
            this.attempt = 0;
            this.status('joined');
        } else if (message.type === 'sessionClosed') {
            this.stop('closed', message.reason);
        } else if (message.type === 'error' && !this.joined && FATAL_JOIN_ERRORS.has(message.code)) {
            this.options.onMessage(message);
            this.stop('refused', message.code);
            return;
        }
        this.options.onMessage(message);
    }

    retry() {
        if (this.stopped || this.timer !== null) return;
        this.status('reconnecting');
        const delay = backoffMs(this.attempt, this.options.random);
        this.attempt += 1;
        this.timer = this.options.setTimeout(() => {
            this.timer = null;
            if (!this.stopped) this.connect();
        }, delay);
    }

    // Sends a request; returns its requestId, or null when not connected.
    send(message) {
        if (!this.socket || !this.joined) return null;
        const requestId = this.nextRequestId++;
        this.socket.send(JSON.stringify({...message, requestId}));
        return requestId;
    }

    // Leaves on purpose: tells the server and never reconnects.
    leave() {
        if (this.socket && this.joined) this.socket.send(JSON.stringify({type: 'leave'}));
        this.stop('closed', 'left');
    }

    stop(status, detail) {
        this.stopped = true;
        if (this.timer !== null) {
            this.options.clearTimeout(this.timer);
            this.timer = null;
        }
        const socket = this.socket;
        this.socket = null;
        this.joined = false;
        if (socket) socket.close();
        this.status(status, detail);
    }

    status(status, detail) {
        if (this.options.onStatus) this.options.onStatus(status, detail);
    }
}
