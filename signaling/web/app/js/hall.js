// Hall mode (?mode=hall, and by default for a hall endpoint, role room): the page on a meeting
// hall's TV. The programme fills the screen; the hall's unit (name, tier) and the meeting's state
// — waiting for the chair, in session, who has the floor — are overlaid; no controls, no cursor
// (app.css, body.hall). The page joins by itself with the link's token (or, in the development
// configuration, the unit, role and name in the address) and the session reconnects by itself.
// Pure text selection here; main.js writes it into #hall-unit and #hall-state.

import {tierLabel} from './state.js';

// The unit's name, as the meeting's units list has it (the id if it is not listed).
export function unitName(state, unitId) {
    const unit = (state.units || []).find((u) => u.id === unitId);
    return unit ? unit.name : unitId || '';
}

// {unit, status}: the two lines of the overlay. `connectionText` is what the page says about the
// connection when it is not in the meeting (connecting, reconnecting, closed and why).
export function hallOverlay(state, t, connectionText) {
    const me = state.me || {};
    const unit = (state.units || []).find((u) => u.id === me.unit);
    const unitLine = unit ? t('hall.unit', {name: unit.name, tier: tierLabel(unit, t)}) : (me.unit || '');
    if (state.connection !== 'joined') return {unit: unitLine, status: connectionText};
    const m = state.meeting;
    if (!m) return {unit: unitLine, status: ''};
    if (m.state === 'in_session' && m.floor) {
        return {unit: unitLine, status: t('hall.floor', {unit: unitName(state, m.floor)})};
    }
    return {unit: unitLine, status: t(`state.${m.state}`)};
}

// The join a hall page sends by itself, from its address (null when it does not say enough).
export function hallJoinFields(params) {
    if (!params.meeting) return null;
    if (params.claims) {
        return {name: params.claims.name || params.claims.sub || '', unit: params.claims.unit || '', role: params.claims.role};
    }
    if (!params.unit) return null;
    return {name: params.name || params.unit, unit: params.unit, role: params.role || 'room'};
}

// A hall's TV has no one to click "play": if the browser refuses to start the programme with
// its sound (autoplay policy; a kiosk browser should allow it, docs/web-client.md), it plays
// muted rather than stay black.
export function keepPlaying(video) {
    if (!video.srcObject || !video.paused) return;
    video.play().catch(() => {
        video.muted = true;
        video.play().catch(() => {});
    });
}

// A hall's TV is often switched on before the meeting's lobby opens (or before the meeting is
// defined): those refusals are tried again every HALL_RETRY_MS; the others (bad token, not
// invited, removed, hall endpoint taken ...) need a person and are shown.
export const HALL_RETRY_MS = 30000;
const RETRIED_REFUSALS = new Set(['wrong_state', 'meeting_not_found']);

export function hallRetries(status, detail) {
    return status === 'refused' && RETRIED_REFUSALS.has(detail);
}
