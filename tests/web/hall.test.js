import test from 'node:test';
import assert from 'node:assert/strict';
import {hallOverlay, hallJoinFields, hallRetries} from '../../signaling/web/app/js/hall.js';
import {createTranslator} from '../../signaling/web/app/js/i18n.js';
import {pageParams} from '../../signaling/web/app/js/identity.js';

const units = [
    {id: 'thanh-son', name: 'Tỉnh Thanh Sơn', tier: 0, parent: ''},
    {id: 'thanh-son.p-quang-trung', name: 'Phường Quang Trung', tier: 2, parent: 'thanh-son.tp-thanh-son'},
];
const meeting = (fields) => ({state: 'open', chair: 'c', floor: null, queue: [], speakers: [], ...fields});
const joined = (m) => ({connection: 'joined', me: {id: 'p1', unit: 'thanh-son.p-quang-trung', role: 'room'}, units, meeting: m});

test('the overlay: the hall\'s unit and tier, waiting for the chair, in session, who has the floor', () => {
    const t = createTranslator('vi');
    assert.equal(hallOverlay(joined(meeting()), t, '').unit, 'Phường Quang Trung · Cấp 3');
    // The tier as people say it, from the units file's tier name.
    const named = joined(meeting());
    named.units = named.units.map((u) => ({...u, tierName: u.tier === 2 ? 'commune' : 'province'}));
    assert.equal(hallOverlay(named, t, '').unit, 'Phường Quang Trung · Xã');
    assert.equal(hallOverlay(named, createTranslator('en'), '').unit, 'Phường Quang Trung · Commune');
    assert.equal(hallOverlay(joined(meeting()), t, '').status, t('state.open'));
    assert.equal(hallOverlay(joined(meeting({state: 'in_session'})), t, '').status, t('state.in_session'));
    const en = createTranslator('en');
    assert.equal(hallOverlay(joined(meeting({state: 'in_session', floor: 'thanh-son'})), en, '').status,
        'In session · Tỉnh Thanh Sơn has the floor');
});

test('the overlay says what the connection does when the hall is not in the meeting', () => {
    const t = createTranslator('en');
    const s = {...joined(null), connection: 'reconnecting'};
    assert.equal(hallOverlay(s, t, t('state.reconnecting')).status, t('state.reconnecting'));
});

test('a hall page joins by itself only when its address says enough', () => {
    assert.equal(hallJoinFields(pageParams('?mode=hall')), null);
    assert.equal(hallJoinFields(pageParams('?mode=hall&meeting=m')), null);
    assert.deepEqual(hallJoinFields(pageParams('?mode=hall&meeting=m&unit=u')), {name: 'u', unit: 'u', role: 'room'});
    assert.deepEqual(hallJoinFields(pageParams('?meeting=m&unit=u&role=room&name=Hội%20trường')),
        {name: 'Hội trường', unit: 'u', role: 'room'});
});

test('a hall page tries again when it came too early, not when a person must act', () => {
    assert.equal(hallRetries('refused', 'wrong_state'), true);
    assert.equal(hallRetries('refused', 'meeting_not_found'), true);
    for (const code of ['unauthorized', 'not_invited', 'removed', 'room_endpoint_taken']) assert.equal(hallRetries('refused', code), false);
    assert.equal(hallRetries('closed', 'replaced'), false);
});
