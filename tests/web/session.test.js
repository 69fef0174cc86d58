// The reconnecting WebSocket session against a fake socket and a fake clock.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {Session, backoffMs, BACKOFF_MAX_MS} from '../../signaling/web/app/js/session.js';

function harness() {
    const sockets = [];
    const timers = [];
    class FakeSocket {
        constructor(url) {
            this.url = url;
            this.sent = [];
            this.closed = false;
            sockets.push(this);
        }
        send(text) { this.sent.push(JSON.parse(text)); }
        close() { this.closed = true; }
        // test side
        open() { this.onopen(); }
        deliver(message) { this.onmessage({data: JSON.stringify(message)}); }
        drop() { this.onclose(); }
    }
    const received = [];
    const statuses = [];
    const session = new Session({
        url: 'ws://node/ws',
        join: {meeting: 'giao-ban', displayName: 'Xã A', token: 'tok'},
        WebSocketImpl: FakeSocket,
        onMessage: (m) => received.push(m),
        onStatus: (s, d) => statuses.push(d ? `${s}:${d}` : s),
        setTimeout: (fn, ms) => { timers.push({fn, ms}); return timers.length; },
        clearTimeout: (id) => { timers[id - 1].cancelled = true; },
        random: () => 1,
    });
    const fire = () => {
        const t = timers.find((x) => !x.fired && !x.cancelled);
        assert.ok(t, 'a reconnect timer is pending');
        t.fired = true;
        t.fn();
        return t.ms;
    };
    return {session, sockets, timers, received, statuses, fire};
}

test('joins on open and rejoins the same meeting after a drop, with growing delays', () => {
    const h = harness();
    h.session.start();
    h.sockets[0].open();
    assert.deepEqual(h.sockets[0].sent[0], {type: 'join', meeting: 'giao-ban', displayName: 'Xã A', token: 'tok'});
    h.sockets[0].deliver({type: 'joined', participantId: 'p1', meeting: 'giao-ban', participants: []});
    assert.equal(h.statuses.at(-1), 'joined');
    h.sockets[0].drop();
    assert.equal(h.statuses.at(-1), 'reconnecting');
    assert.equal(h.fire(), 500);
    h.sockets[1].drop();  // server still down
    assert.equal(h.fire(), 1000);
    h.sockets[2].open();
    assert.equal(h.sockets[2].sent[0].type, 'join');
    h.sockets[2].deliver({type: 'joined', participantId: 'p2', meeting: 'giao-ban', participants: []});
    h.sockets[2].drop();
    assert.equal(h.fire(), 500, 'a successful join resets the backoff');
});

test('a session the server closed on purpose is not reconnected', () => {
    const h = harness();
    h.session.start();
    h.sockets[0].open();
    h.sockets[0].deliver({type: 'joined', participantId: 'p1', meeting: 'giao-ban', participants: []});
    h.sockets[0].deliver({type: 'sessionClosed', reason: 'replaced'});
    assert.equal(h.statuses.at(-1), 'closed:replaced');
    assert.equal(h.sockets[0].closed, true);
    assert.equal(h.timers.length, 0);
});

test('a join refused for good stops; a shutdown error does not', () => {
    const h = harness();
    h.session.start();
    h.sockets[0].open();
    h.sockets[0].deliver({type: 'error', code: 'server_shutdown', message: 'bye'});
    h.sockets[0].drop();
    h.fire();
    h.sockets[1].open();
    h.sockets[1].deliver({type: 'error', code: 'not_invited', message: 'no'});
    assert.equal(h.statuses.at(-1), 'refused:not_invited');
    assert.equal(h.received.at(-1).code, 'not_invited');
    assert.equal(h.timers.filter((t) => !t.fired && !t.cancelled).length, 0);
});

test('leave tells the server and never reconnects', () => {
    const h = harness();
    h.session.start();
    h.sockets[0].open();
    h.sockets[0].deliver({type: 'joined', participantId: 'p1', meeting: 'giao-ban', participants: []});
    assert.equal(h.session.send({type: 'raiseHand'}), 1);
    h.session.leave();
    assert.deepEqual(h.sockets[0].sent.map((m) => m.type), ['join', 'raiseHand', 'leave']);
    assert.equal(h.session.send({type: 'raiseHand'}), null);
    assert.equal(h.timers.length, 0);
});

test('backoff grows to its ceiling and is jittered', () => {
    assert.equal(backoffMs(0, () => 1), 500);
    assert.equal(backoffMs(0, () => 0), 250);
    assert.equal(backoffMs(10, () => 1), BACKOFF_MAX_MS);
    assert.equal(backoffMs(1000, () => 1), BACKOFF_MAX_MS);
});
