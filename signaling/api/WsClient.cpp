#include "signaling/api/WsClient.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <set>

#include "common/Log.hpp"
#include "protocol/Codec.hpp"
#include "protocol/Limits.hpp"
#include "rooms/policy/UnitsFile.hpp"
#include "signaling/api/Translate.hpp"
#include "signaling/api/WsMeetingControl.hpp"
#include "signaling/sdp/SdpParser.hpp"

namespace vcb::signaling {

namespace {

using protocol::ErrorCode;

uint32_t randomSsrc() {
    uint32_t v = 0;
    while (v == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
    return v;
}

// Video tracks are offered with RTX (RFC 4588) on an SSRC of their own.
uint32_t rtxSsrcFor(sfu::MediaKind kind) {
    return kind == sfu::MediaKind::Video ? randomSsrc() : 0;
}

ErrorCode toProtocol(rooms::RoomError e) {
    switch (e) {
        case rooms::RoomError::MeetingNotFound:
            return ErrorCode::MeetingNotFound;
        case rooms::RoomError::Unauthorized:
            return ErrorCode::Unauthorized;
        case rooms::RoomError::Forbidden:
            return ErrorCode::Forbidden;
        case rooms::RoomError::AlreadyJoined:
            return ErrorCode::AlreadyJoined;
        case rooms::RoomError::NotJoined:
            return ErrorCode::NotJoined;
        case rooms::RoomError::BadRequest:
            return ErrorCode::BadMessage;
        case rooms::RoomError::MeetingFull:
            return ErrorCode::MeetingFull;
        case rooms::RoomError::Unavailable:
        case rooms::RoomError::TooManySessions:
            return ErrorCode::TooManySessions;
        case rooms::RoomError::None:
            break;
    }
    return ErrorCode::Internal;
}

ErrorCode toProtocol(const SdpError& e) {
    return e.code() == SdpError::Code::UnsupportedMedia ? ErrorCode::UnsupportedMedia
                                                        : ErrorCode::BadSdp;
}

protocol::Track toProtocol(const rooms::TrackInfo& t) {
    return {t.id,
            t.kind == sfu::MediaKind::Audio ? protocol::TrackKind::Audio
                                            : protocol::TrackKind::Video,
            t.source == rooms::MediaSource::Screen};
}

protocol::Participant toProtocol(const rooms::Participant& p) {
    protocol::Participant out{
        p.id, p.displayName, {}, p.unit, std::string(rooms::participantRoleName(p.role)),
        p.subject};
    for (const auto& t : p.tracks) out.tracks.push_back(toProtocol(t));
    return out;
}

// Track ids are "<participantId>-audio", "<participantId>-video" (camera) and
// "<participantId>-screen".
bool splitTrackId(const std::string& trackId, std::string& participantId,
                  rooms::MediaSource& source) {
    auto dash = trackId.rfind('-');
    if (dash == std::string::npos || dash == 0) return false;
    std::string suffix = trackId.substr(dash + 1);
    if (suffix == "audio")
        source = rooms::MediaSource::Microphone;
    else if (suffix == "video")
        source = rooms::MediaSource::Camera;
    else if (suffix == "screen")
        source = rooms::MediaSource::Screen;
    else
        return false;
    participantId = trackId.substr(0, dash);
    return true;
}

template <typename M>
std::optional<int64_t> requestIdOf(const M& m) {
    return m.requestId;
}

}  // namespace

void WsClient::send(const protocol::ServerMessage& message) {
    if (auto c = connection_.lock()) c->send(protocol::serialize(message));
}

void WsClient::sendError(ErrorCode code, std::string message, std::optional<int64_t> requestId) {
    send(protocol::Error{code, std::move(message), requestId});
}

void WsClient::handle(const protocol::ClientMessage& message) {
    std::visit(
        [this](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, protocol::Join>) {
                join(m);
            } else if constexpr (std::is_same_v<T, protocol::Ping>) {
                send(protocol::Pong{m.requestId});
            } else {
                if (!isJoined()) {
                    sendError(ErrorCode::NotJoined, "join a meeting first", requestIdOf(m));
                    return;
                }
                if constexpr (std::is_same_v<T, protocol::Publish>) {
                    publish(m);
                } else if constexpr (std::is_same_v<T, protocol::Unpublish>) {
                    unpublish(m);
                } else if constexpr (std::is_same_v<T, protocol::Subscribe>) {
                    if (m.iceRestart) {
                        std::lock_guard lock(mutex_);
                        iceRestartWanted_ = true;
                    }
                    subscribe(m.trackIds, true, m.requestId, m.iceRestart);
                } else if constexpr (std::is_same_v<T, protocol::Unsubscribe>) {
                    subscribe(m.trackIds, false, m.requestId);
                } else if constexpr (std::is_same_v<T, protocol::SubscribeAnswer>) {
                    answer(m);
                } else if constexpr (std::is_same_v<T, protocol::Trickle>) {
                    // ICE-lite: addresses are learned from the client's checks. Validate only.
                    if (!SdpParser::parseCandidate(m.candidate) && !m.candidate.empty()) {
                        sendError(ErrorCode::BadSdp, "malformed candidate", m.requestId);
                    }
                } else if constexpr (std::is_same_v<T, protocol::Leave>) {
                    leave(m.requestId);
                } else if constexpr (std::is_same_v<T, protocol::GetStats>) {
                    std::string meetingId, participantId;
                    {
                        std::lock_guard lock(mutex_);
                        meetingId = meetingId_;
                        participantId = participantId_;
                    }
                    auto weak = weak_from_this();
                    WsMeetingControl::stats(conference_, meetingId, participantId, m,
                                            [weak](const protocol::ServerMessage& reply) {
                                                if (auto self = weak.lock()) self->send(reply);
                                            });
                } else if constexpr (std::is_same_v<T, protocol::RecordingControl>) {
                    std::string meetingId, participantId;
                    {
                        std::lock_guard lock(mutex_);
                        meetingId = meetingId_;
                        participantId = participantId_;
                    }
                    auto weak = weak_from_this();
                    WsMeetingControl::recording(conference_, meetingId, participantId, m,
                                                [weak](const protocol::ServerMessage& reply) {
                                                    if (auto self = weak.lock()) self->send(reply);
                                                });
                } else if constexpr (std::is_same_v<T, protocol::SubscribeStats> ||
                                     std::is_same_v<T, protocol::UnsubscribeStats>) {
                    std::string meetingId, participantId;
                    {
                        std::lock_guard lock(mutex_);
                        meetingId = meetingId_;
                        participantId = participantId_;
                    }
                    if constexpr (std::is_same_v<T, protocol::UnsubscribeStats>) {
                        conference_.unsubscribeStats(meetingId, participantId);
                    } else {
                        // Posted to the meeting's worker; its timer pushes from there. The
                        // subscription ends with the session (leaving removes it).
                        auto weak = weak_from_this();
                        WsMeetingControl::subscribeStats(
                            conference_, meetingId, participantId, m,
                            [weak](const protocol::ServerMessage& reply) {
                                if (auto self = weak.lock()) self->send(reply);
                            });
                    }
                } else if constexpr (std::is_same_v<T, protocol::EndpointReport> ||
                                     std::is_same_v<T, protocol::EndpointCommand>) {
                    std::string meetingId, participantId;
                    {
                        std::lock_guard lock(mutex_);
                        meetingId = meetingId_;
                        participantId = participantId_;
                    }
                    auto weak = weak_from_this();
                    auto reply = [weak](const protocol::ServerMessage& r) {
                        if (auto self = weak.lock()) self->send(r);
                    };
                    if constexpr (std::is_same_v<T, protocol::EndpointReport>) {
                        WsMeetingControl::endpointReport(conference_, meetingId, participantId, m,
                                                         std::move(reply));
                    } else {
                        WsMeetingControl::endpointCommand(conference_, meetingId, participantId,
                                                          m, std::move(reply));
                    }
                } else if constexpr (std::is_same_v<T, protocol::MeetingControl>) {
                    std::string meetingId, participantId;
                    {
                        std::lock_guard lock(mutex_);
                        meetingId = meetingId_;
                        participantId = participantId_;
                    }
                    auto weak = weak_from_this();
                    WsMeetingControl::handle(conference_, meetingId, participantId, m,
                                             [weak](const protocol::ServerMessage& reply) {
                                                 if (auto self = weak.lock()) self->send(reply);
                                             });
                }
            }
        },
        message);
}

std::string WsClient::subscribeTransportId() {
    std::lock_guard lock(mutex_);
    return subscribeTransport_;
}

bool WsClient::isJoined() {
    std::lock_guard lock(mutex_);
    return joined_ && !left_;
}

bool WsClient::startJoin(const protocol::Join& m) {
    std::lock_guard lock(mutex_);
    if (joined_ || joining_ || left_) return false;
    joining_ = true;
    autoSubscribe_ = m.autoSubscribe;
    meetingId_ = m.meeting;
    return true;
}

void WsClient::join(const protocol::Join& m) {
    if (m.unit && !rooms::isValidUnitId(*m.unit)) {
        return sendError(ErrorCode::BadMessage, "field 'unit' must be 1..64 of [a-z0-9._-]",
                         m.requestId);
    }
    if (m.role && !rooms::parseParticipantRole(*m.role)) {
        return sendError(ErrorCode::BadMessage,
                         "field 'role' must be chair, delegate, room, observer, technician or "
                         "recorder",
                         m.requestId);
    }
    if (!startJoin(m)) {
        return sendError(ErrorCode::AlreadyJoined, "this connection already joined a meeting",
                         m.requestId);
    }
    rooms::JoinCredentials creds{m.meeting, m.displayName, m.token.value_or(""),
                                 rooms::ClientKind::WebSocket, remoteAddress_};
    if (m.unit) creds.requestedUnit = *m.unit;
    if (m.role) creds.requestedRole = rooms::parseParticipantRole(*m.role);
    auto self = shared_from_this();
    auto requestId = m.requestId;
    conference_.join(creds, self, [self, requestId](rooms::JoinResult r) {
        bool subscribeNow = false;
        {
            std::lock_guard lock(self->mutex_);
            self->joining_ = false;
            if (r.error == rooms::RoomError::None) {
                if (self->left_) {
                    // The socket closed while joining: undo.
                    self->conference_.leave(self->meetingId_, r.participantId);
                    return;
                }
                self->joined_ = true;
                self->participantId_ = r.participantId;
                for (const auto& p : r.others) {
                    for (const auto& t : p.tracks)
                        self->meetingTracks_[t.id] = SubscribedTrack{p.id, t.kind, 0, 0, t.codec};
                }
                if (self->autoSubscribe_) {
                    for (const auto& p : r.others) self->addTracksLocked(p.tracks, p.id);
                    subscribeNow = !self->subscribed_.empty();
                }
            }
        }
        if (r.error != rooms::RoomError::None) {
            // A government meeting's policy refusal keeps its own code (not_invited, ...).
            if (auto code = protocol::errorCodeFromString(r.detail); code && !r.detail.empty()) {
                return self->sendError(
                    *code,
                    "refused by the meeting policy: " + (r.message.empty() ? r.detail : r.message),
                    requestId);
            }
            return self->sendError(toProtocol(r.error), std::string(roomErrorText(r.error)),
                                   requestId);
        }
        protocol::Joined joined;
        joined.participantId = r.participantId;
        joined.meeting = self->meetingId_;
        joined.requestId = requestId;
        for (const auto& p : r.others) joined.participants.push_back(toProtocol(p));
        if (r.floor) {
            for (const auto& u : r.floor->units) {
                joined.units.push_back(
                    {u.id, u.name, static_cast<int64_t>(u.tier), u.parent, u.tierName});
            }
        }
        self->send(joined);
        if (r.floor) self->send(WsMeetingControl::state(*r.floor));
        if (subscribeNow) self->renegotiate();
    });
}

void WsClient::addTracksLocked(const std::vector<rooms::TrackInfo>& tracks,
                               const std::string& participantId) {
    for (const auto& t : tracks) {
        if (participantId == participantId_ || subscribed_.count(t.id) != 0) continue;
        if (subscribed_.size() >= protocol::kMaxSubscribedTracks) return;  // bounded
        subscribed_[t.id] =
            SubscribedTrack{participantId, t.kind, randomSsrc(), rtxSsrcFor(t.kind), t.codec};
    }
}

void WsClient::publish(const protocol::Publish& m) {
    auto parsed = SdpParser::parse(m.sdp);
    if (!parsed)
        return sendError(toProtocol(parsed.error()), parsed.error().message(), m.requestId);
    auto offer = std::make_shared<SessionDescription>(std::move(parsed.value()));
    std::string meetingId, participantId, transportId;
    {
        std::lock_guard lock(mutex_);
        if (publishBusy_) {
            // One publish negotiation at a time per connection.
            meetingId.clear();
        } else {
            publishBusy_ = true;
            meetingId = meetingId_;
            participantId = participantId_;
            transportId = publishTransport_;
        }
    }
    if (meetingId.empty())
        return sendError(ErrorCode::BadMessage, "a publish is already in progress", m.requestId);
    auto self = shared_from_this();
    auto requestId = m.requestId;
    // The screen m-section must be one of the offer's video m-sections (it may be inactive or
    // rejected: the share has stopped).
    auto screenMid = m.screenMid;
    if (screenMid) {
        const bool found = std::any_of(offer->media.begin(), offer->media.end(), [&](const auto& s) {
            return s.mid == *screenMid && s.kind == sfu::MediaKind::Video;
        });
        if (!found) {
            {
                std::lock_guard lock(mutex_);
                publishBusy_ = false;
            }
            return sendError(ErrorCode::BadMessage,
                             "'screenMid' names no video m-section of the offer", m.requestId);
        }
    }
    // Negotiates against the transport and hands the tracks to the conference.
    auto complete = [self, offer, requestId, meetingId, participantId, screenMid](
                        const std::string& tid, const sfu::LocalTransportParameters& local) {
        Negotiator negotiator;
        auto result = negotiator.answer(*offer, toLocalInfo(local), AnswerPurpose::Publish);
        if (!result) {
            {
                std::lock_guard lock(self->mutex_);
                self->publishBusy_ = false;
            }
            return self->sendError(toProtocol(result.error()), result.error().message(), requestId);
        }
        auto sdp = std::make_shared<std::string>(std::move(result->sdp));
        self->conference_.publish(
            meetingId, participantId, tid, toRemote(result->remote),
            toPublishTracks(result->media, screenMid.value_or("")),
            [self, sdp, requestId](rooms::PublishResult pr) {
                {
                    std::lock_guard lock(self->mutex_);
                    self->publishBusy_ = false;
                }
                if (pr.error != rooms::RoomError::None) {
                    return self->sendError(toProtocol(pr.error), pr.detail, requestId);
                }
                self->send(protocol::PublishAnswer{*sdp, requestId});
            });
    };
    if (!transportId.empty()) {
        // A re-publish on the existing transport. New ICE credentials in the offer are an ICE
        // restart (RFC 8445 §2.4): the answer then carries new local credentials too; the same
        // ones change nothing. DTLS and SRTP go on either way.
        sfu::RemoteTransportParameters remote;
        remote.iceUfrag = offer->iceUfrag;
        remote.icePwd = offer->icePwd;
        if (remote.iceUfrag.empty() || remote.icePwd.empty()) {
            {
                std::lock_guard lock(mutex_);
                publishBusy_ = false;
            }
            return sendError(ErrorCode::BadMessage, "offer without ICE credentials", m.requestId);
        }
        conference_.restartIce(meetingId, participantId, transportId, std::move(remote),
                               [self, complete, requestId, transportId](rooms::IceRestartResult r) {
                                   if (r.error != rooms::RoomError::None) {
                                       {
                                           std::lock_guard lock(self->mutex_);
                                           self->publishBusy_ = false;
                                       }
                                       return self->sendError(toProtocol(r.error), r.detail,
                                                              requestId);
                                   }
                                   sfu::LocalTransportParameters local;
                                   {
                                       std::lock_guard lock(self->mutex_);
                                       if (r.restarted) self->publishLocal_ = r.local;
                                       local = self->publishLocal_;
                                   }
                                   complete(transportId, local);
                               });
        return;
    }
    conference_.createTransport(
        meetingId, participantId, [self, complete, requestId](rooms::TransportResult tr) {
            if (tr.error != rooms::RoomError::None) {
                {
                    std::lock_guard lock(self->mutex_);
                    self->publishBusy_ = false;
                }
                return self->sendError(toProtocol(tr.error), tr.detail, requestId);
            }
            {
                std::lock_guard lock(self->mutex_);
                self->publishTransport_ = tr.transportId;
                self->publishLocal_ = tr.local;
            }
            complete(tr.transportId, tr.local);
        });
}

void WsClient::unpublish(const protocol::Unpublish&) {
    std::string meetingId, participantId, transportId;
    {
        std::lock_guard lock(mutex_);
        meetingId = meetingId_;
        participantId = participantId_;
        transportId = publishTransport_;
        publishTransport_.clear();
    }
    if (!transportId.empty()) conference_.closeTransport(meetingId, participantId, transportId);
}

void WsClient::subscribe(const std::vector<std::string>& trackIds, bool add,
                         std::optional<int64_t> requestId, bool iceRestart) {
    bool changed = false;
    std::optional<std::pair<ErrorCode, std::string>> refused;
    {
        std::lock_guard lock(mutex_);
        // All or nothing: only tracks the meeting has, and no more than the cap in total.
        std::set<std::string> added;
        for (const auto& id : trackIds) {
            if (!add || subscribed_.count(id) != 0) continue;
            const auto known = meetingTracks_.find(id);
            if (known == meetingTracks_.end() || known->second.participantId == participantId_) {
                refused.emplace(ErrorCode::UnknownTrack, "no such track in the meeting: " + id);
                break;
            }
            added.insert(id);
        }
        if (!refused && subscribed_.size() + added.size() > protocol::kMaxSubscribedTracks) {
            refused.emplace(ErrorCode::TooManyTracks,
                            "at most " + std::to_string(protocol::kMaxSubscribedTracks) +
                                " subscribed tracks per connection");
        }
        for (const auto& id : trackIds) {
            if (refused) break;
            std::string pid;
            rooms::MediaSource source;
            if (!splitTrackId(id, pid, source) || pid == participantId_) continue;
            const sfu::MediaKind kind = rooms::kindOf(source);
            if (add && subscribed_.count(id) == 0) {
                const auto known = meetingTracks_.find(id);
                subscribed_[id] = SubscribedTrack{
                    pid, kind, randomSsrc(), rtxSsrcFor(kind),
                    known == meetingTracks_.end() ? std::string() : known->second.codec};
                changed = true;
            } else if (!add && subscribed_.erase(id) != 0) {
                changed = true;
            }
        }
    }
    if (refused) return sendError(refused->first, std::move(refused->second), requestId);
    if (changed || iceRestart) renegotiate();
}

void WsClient::renegotiate() {
    std::string meetingId, participantId;
    {
        std::lock_guard lock(mutex_);
        if (!joined_ || left_) return;
        if (offerInFlight_ || subscribeTransportPending_) {
            renegotiateNeeded_ = true;
            return;
        }
        // Nothing to restart before the subscribe PC first connected: the coming offer has
        // fresh credentials anyway.
        if (!subscribeConnected_) iceRestartWanted_ = false;
        if (!subscribeTransport_.empty() && iceRestartWanted_) {
            // New local credentials first (the worker answers), then the offer carrying them.
            iceRestartWanted_ = false;
            offerInFlight_ = true;
            auto self = shared_from_this();
            conference_.restartIce(meetingId_, participantId_, subscribeTransport_, {},
                                   [self](rooms::IceRestartResult r) {
                                       {
                                           std::lock_guard lock(self->mutex_);
                                           self->offerInFlight_ = false;
                                           if (r.error == rooms::RoomError::None) {
                                               self->subscribeLocal_ = r.local;
                                               self->iceRestartOffered_ = true;
                                           } else {
                                               VCB_LOG_WARN(
                                                   "participant %s: ICE restart refused: %s",
                                                   self->participantId_.c_str(), r.detail.c_str());
                                           }
                                       }
                                       self->renegotiate();
                                   });
            return;
        }
        if (!subscribeTransport_.empty()) {
            std::vector<OfferedTrack> tracks;
            for (const auto& [id, t] : subscribed_) {
                tracks.push_back(OfferedTrack{id, t.participantId, t.kind, t.ssrc, "vcbridge",
                                              t.rtxSsrc, t.codec});
            }
            auto offer = subscribeNegotiator_.offer(tracks, toLocalInfo(subscribeLocal_),
                                                    lastOffer_ ? &*lastOffer_ : nullptr);
            if (!offer) {
                VCB_LOG_WARN("participant %s: cannot build subscribe offer: %s",
                             participantId_.c_str(), offer.error().message().c_str());
                return;
            }
            lastOffer_ = offer->local;
            offerInFlight_ = true;
            renegotiateNeeded_ = false;
            protocol::SubscribeOffer msg{std::move(offer->sdp), ++revision_, std::nullopt};
            // send() only queues on the socket; safe under the lock.
            send(msg);
            return;
        }
        subscribeTransportPending_ = true;
        meetingId = meetingId_;
        participantId = participantId_;
    }
    auto self = shared_from_this();
    conference_.createTransport(meetingId, participantId, [self](rooms::TransportResult tr) {
        {
            std::lock_guard lock(self->mutex_);
            self->subscribeTransportPending_ = false;
            if (tr.error != rooms::RoomError::None) {
                VCB_LOG_WARN("participant %s: no subscribe transport: %s",
                             self->participantId_.c_str(), tr.detail.c_str());
                return;
            }
            self->subscribeTransport_ = tr.transportId;
            self->subscribeLocal_ = tr.local;
        }
        self->renegotiate();
    });
}

void WsClient::answer(const protocol::SubscribeAnswer& m) {
    std::string meetingId, participantId, transportId;
    std::vector<rooms::ViewTrack> tracks;
    std::optional<sfu::RemoteTransportParameters> remote;
    std::optional<sfu::RemoteTransportParameters> restartRemote;
    bool pending = false;  // an offer with this revision awaits its answer
    bool view = false;     // hand the accepted sections to the conference
    bool again = false;    // a change waited for this answer: offer it now
    std::optional<SdpError> refused;
    {
        std::lock_guard lock(mutex_);
        pending = offerInFlight_ && m.revision == revision_ && lastOffer_;
        if (pending) {
            auto result = subscribeNegotiator_.applyAnswer(*lastOffer_, m.sdp);
            if (!result) {
                // The client has applied the offer all the same: lastOffer_ stays the layout
                // the next offer builds on (its m-lines are never removed or reordered).
                VCB_LOG_WARN("participant %s: subscribe answer %lld refused: %s",
                             participantId_.c_str(), static_cast<long long>(m.revision),
                             result.error().message().c_str());
                refused = result.error();
                offerInFlight_ = false;
                again = renegotiateNeeded_;
            } else if (subscribeTransport_.empty()) {
                // The transport closed while the offer was out (Chromium ends its DTLS
                // association when the BUNDLE-tagged m-line is rejected): the next offer keeps
                // every m-line and brings a new transport, an ICE restart for the client.
                offerInFlight_ = false;
                again = renegotiateNeeded_ || !subscribed_.empty();
            } else {
                view = true;
                for (const auto& section : result->media) {
                    if (section.rejected || section.ssrcs.empty()) continue;
                    const SubscribedTrack* st = nullptr;
                    rooms::MediaSource source = rooms::MediaSource::Camera;
                    for (const auto& [id, t] : subscribed_) {
                        if (t.ssrc != section.ssrcs.front()) continue;
                        st = &t;
                        std::string pid;
                        if (!splitTrackId(id, pid, source)) source = rooms::defaultSource(t.kind);
                    }
                    if (st == nullptr) continue;
                    rooms::ViewTrack vt;
                    vt.mid = section.mid;
                    vt.ssrc = st->ssrc;
                    vt.rtxSsrc = section.rtxSsrc.value_or(0);  // only if the answer kept RTX
                    vt.cname = "vcbridge";
                    vt.codecs = section.codecs;
                    vt.extensions = section.extensions;
                    vt.source = {rooms::MediaSelector::Mode::Participant, st->participantId,
                                 st->kind, source};
                    tracks.push_back(std::move(vt));
                }
                if (!subscribeConnected_) remote = toRemote(result->remote);
                if (iceRestartOffered_ && subscribeConnected_) {
                    iceRestartOffered_ = false;
                    restartRemote = toRemote(result->remote);
                }
                meetingId = meetingId_;
                participantId = participantId_;
                transportId = subscribeTransport_;
            }
        }
    }
    if (!pending) {
        return sendError(ErrorCode::BadMessage, "no subscribe offer with this revision is pending",
                         m.requestId);
    }
    if (refused) sendError(toProtocol(*refused), refused->message(), m.requestId);
    if (!view) {
        if (again) renegotiate();
        return;
    }
    auto self = shared_from_this();
    auto requestId = m.requestId;
    if (restartRemote) {
        // The answer to a restarting offer: checks must now name the client's new ufrag. Posted
        // to the worker before the view below, so it applies first.
        conference_.restartIce(meetingId, participantId, transportId, std::move(*restartRemote),
                               [self, requestId](rooms::IceRestartResult r) {
                                   if (r.error != rooms::RoomError::None)
                                       self->sendError(toProtocol(r.error), r.detail, requestId);
                               });
    }
    conference_.view(meetingId, participantId, transportId, remote, std::move(tracks),
                     [self, requestId, transportId](rooms::RoomError err, std::string detail) {
                         bool current = false;
                         bool again = false;
                         {
                             std::lock_guard lock(self->mutex_);
                             self->offerInFlight_ = false;
                             // A transport that closed meanwhile is replaced by the next offer.
                             current = self->subscribeTransport_ == transportId;
                             if (current && err == rooms::RoomError::None)
                                 self->subscribeConnected_ = true;
                             if (!current) self->renegotiateNeeded_ = true;
                             again = self->renegotiateNeeded_;
                         }
                         if (current && err != rooms::RoomError::None)
                             self->sendError(toProtocol(err), detail, requestId);
                         if (again) self->renegotiate();
                     });
}

void WsClient::leave(std::optional<int64_t>) {
    disconnect();
    if (auto c = connection_.lock()) c->close(boost::beast::websocket::close_code::normal, "left");
}

void WsClient::disconnect() {
    std::string meetingId, participantId;
    {
        std::lock_guard lock(mutex_);
        if (left_) return;
        left_ = true;
        if (!joined_) return;
        meetingId = meetingId_;
        participantId = participantId_;
    }
    conference_.leave(meetingId, participantId);
}

void WsClient::onMeetingEvent(const rooms::MeetingEvent& e) {
    using Type = rooms::MeetingEvent::Type;
    bool renegotiateNow = false;
    bool closeNow = false;
    {
        std::lock_guard lock(mutex_);
        if (left_) return;
        switch (e.type) {
            case Type::SessionClosed:
                // The policy ended this session and the meeting removes it right after: say why,
                // then close. With left_ set, the socket's close does not leave again (the
                // meeting has already let this session go) and later events are not sent.
                send(protocol::SessionClosed{e.reason});
                left_ = true;
                closeNow = true;
                break;
            case Type::EndpointCommand:
                send(protocol::EndpointCommandNotice{e.reason == "reload"
                                                         ? protocol::EndpointAction::Reload
                                                         : protocol::EndpointAction::Restart,
                                                     e.participant.subject});
                break;
            case Type::ParticipantJoined:
                send(protocol::ParticipantJoined{toProtocol(e.participant)});
                break;
            case Type::ParticipantLeft: {
                send(protocol::ParticipantLeft{e.participant.id});
                std::erase_if(meetingTracks_, [&](const auto& entry) {
                    return entry.second.participantId == e.participant.id;
                });
                for (auto it = subscribed_.begin(); it != subscribed_.end();) {
                    if (it->second.participantId == e.participant.id) {
                        it = subscribed_.erase(it);
                        renegotiateNow = true;
                    } else {
                        ++it;
                    }
                }
                break;
            }
            case Type::TrackPublished:
                send(protocol::TrackPublished{e.participant.id, toProtocol(e.track)});
                meetingTracks_[e.track.id] =
                    SubscribedTrack{e.participant.id, e.track.kind, 0, 0, e.track.codec};
                if (autoSubscribe_ && subscribed_.count(e.track.id) == 0) {
                    addTracksLocked({e.track}, e.participant.id);
                    renegotiateNow = true;
                } else if (auto s = subscribed_.find(e.track.id);
                           s != subscribed_.end() && s->second.codec != e.track.codec) {
                    // Published again in another codec: its m-section is offered again with it.
                    s->second.codec = e.track.codec;
                    renegotiateNow = true;
                }
                break;
            case Type::TrackUnpublished:
                send(protocol::TrackUnpublished{e.participant.id, e.track.id});
                meetingTracks_.erase(e.track.id);
                // The m-section stays; the consumer pauses and resumes if the track comes back.
                break;
            case Type::FloorChanged:
                if (e.floor && joined_) {
                    for (const auto& message : WsMeetingControl::messages(*e.floor)) send(message);
                }
                break;
            case Type::TransportClosed:
                if (e.transportId == publishTransport_) {
                    publishTransport_.clear();
                } else if (e.transportId == subscribeTransport_) {
                    // The client's peer connection keeps its m-lines (JSEP): the Negotiator and
                    // lastOffer_ stay, and the next offer carries a new transport's ICE and
                    // DTLS parameters. An offer still out is answered first.
                    subscribeTransport_.clear();
                    subscribeConnected_ = false;
                    // The new transport's consumers start their own sequence numbers and
                    // timestamps: under the old SSRCs the browser would drop those packets as
                    // old, so every track gets a new SSRC (same m-line, mid and msid).
                    for (auto& [id, t] : subscribed_) {
                        t.ssrc = randomSsrc();
                        t.rtxSsrc = rtxSsrcFor(t.kind);
                    }
                    if (offerInFlight_) {
                        renegotiateNeeded_ = true;
                    } else {
                        renegotiateNow = !subscribed_.empty();
                    }
                }
                break;
        }
    }
    if (closeNow) {
        if (auto c = connection_.lock())
            c->close(boost::beast::websocket::close_code::normal, "session closed");
        return;
    }
    if (renegotiateNow) renegotiate();
}

}  // namespace vcb::signaling
