// WsClient against a real Conference (one worker, 127.0.0.1, no media flowing): the subscribe
// peer connection's renegotiation as a browser sees it. Chromium refuses a subsequent offer
// whose m-lines are removed or reordered (JSEP, RFC 8829 5.2.2), and it ends its DTLS
// association when the BUNDLE-tagged m-line is rejected, which closes the server's transport.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "protocol/Codec.hpp"
#include "rooms/Conference.hpp"
#include "sfu/dtls/DtlsCertificate.hpp"
#include "sfu/dtls/DtlsContext.hpp"
#include "signaling/api/WsClient.hpp"
#include "signaling/api/WsMeetingControl.hpp"
#include "signaling/sdp/SdpParser.hpp"
#include "signaling/sdp/SdpWriter.hpp"
#include "tests/sdp/TestSdps.hpp"

namespace vcb::signaling {
namespace {

using namespace std::chrono_literals;

constexpr auto kWait = 5s;          // for a message that must come
constexpr auto kQuietWait = 500ms;  // for one that must not

class FakeConnection final : public WsConnection {
  public:
    FakeConnection() : WsConnection(1, HttpRequest{}) {}

    void send(std::string message) override {
        auto parsed = protocol::parseServerMessage(message);
        ASSERT_TRUE(parsed.ok()) << message;
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(parsed.value()));
        cv_.notify_all();
    }
    void close(boost::beast::websocket::close_code code, std::string) override {
        std::lock_guard lock(mutex_);
        closeCode_ = code;
        cv_.notify_all();
    }
    // The close code the client closed with, once it did (within `wait`).
    std::optional<boost::beast::websocket::close_code> closed(
        std::chrono::milliseconds wait = kWait) {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, wait, [&] { return closeCode_.has_value(); });
        return closeCode_;
    }

    // The next message of type T, skipping other types (errors are counted); nullopt when none
    // arrives within `wait`.
    template <typename T>
    std::optional<T> next(std::chrono::milliseconds wait = kWait) {
        std::unique_lock lock(mutex_);
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (true) {
            while (!queue_.empty()) {
                protocol::ServerMessage m = std::move(queue_.front());
                queue_.pop_front();
                if (auto* e = std::get_if<protocol::Error>(&m)) errors_.push_back(e->message);
                if (auto* t = std::get_if<T>(&m)) return std::move(*t);
            }
            if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && queue_.empty())
                return std::nullopt;
        }
    }

    std::vector<std::string> errors() {
        std::lock_guard lock(mutex_);
        return errors_;
    }

  private:
    std::optional<boost::beast::websocket::close_code> closeCode_;
    std::vector<std::string> errors_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<protocol::ServerMessage> queue_;
};

struct Client {
    std::shared_ptr<FakeConnection> connection = std::make_shared<FakeConnection>();
    std::shared_ptr<WsClient> ws;
    std::string participantId;

    Client(rooms::Conference& conference) {
        ws = std::make_shared<WsClient>(conference, connection, "127.0.0.1");
    }
    void handle(protocol::ClientMessage m) { ws->handle(m); }
};

// The mids and ports of a subscribe offer, in m-line order ("0:9" accepted, "0:0" rejected).
std::vector<std::string> layout(const SessionDescription& d) {
    std::vector<std::string> out;
    for (const auto& m : d.media) out.push_back(m.mid + (m.rejected ? ":0" : ":9"));
    return out;
}

SessionDescription parse(const std::string& sdp) {
    auto r = SdpParser::parse(sdp);
    EXPECT_TRUE(r.ok()) << r.error().message() << "\n" << sdp;
    return r.ok() ? r.value() : SessionDescription{};
}

// A browser's answer: recvonly, DTLS client, VP8 only; rejected m-lines stay rejected.
std::string browserAnswer(const SessionDescription& offer) {
    SessionDescription a = offer;
    a.iceLite = false;
    a.iceUfrag = "cli1";
    a.icePwd = "clientPassword0123456789";
    a.setup = DtlsSetup::Active;
    a.fingerprint = std::string(testsdp::kChromeFingerprint);
    a.candidates.clear();
    for (auto& m : a.media) {
        if (m.rejected) continue;
        m.direction = Direction::RecvOnly;
        m.ssrcs = {4242};
        m.msidStream.clear();
        m.msidTrack.clear();
        if (m.kind == sfu::MediaKind::Video) m.codecs.resize(1);
    }
    return SdpWriter{}.write(a);
}

class WsClientTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string error;
        std::shared_ptr<const dtls::DtlsCertificate> cert = dtls::DtlsCertificate::generate(&error);
        ASSERT_TRUE(cert) << error;
        auto dtls = dtls::DtlsContext::create(cert, &error);
        ASSERT_TRUE(dtls) << error;
        rooms::ConferenceConfig config;
        conference_ = std::make_unique<rooms::Conference>(
            config, std::move(dtls), std::make_shared<rooms::AllowAllAuthenticator>());
        ASSERT_TRUE(conference_->startError().empty()) << conference_->startError();
    }
    void TearDown() override {
        for (auto& c : clients_) c->ws->disconnect();
        if (conference_) conference_->stop();
    }

    Client& join(const std::string& name, bool autoSubscribe) {
        clients_.push_back(std::make_unique<Client>(*conference_));
        Client& c = *clients_.back();
        protocol::Join j;
        j.meeting = "m";
        j.displayName = name;
        j.autoSubscribe = autoSubscribe;
        c.handle(j);
        auto joined = c.connection->next<protocol::Joined>();
        EXPECT_TRUE(joined) << name << " did not join";
        if (joined) c.participantId = joined->participantId;
        return c;
    }

    Client& joinAndPublish(const std::string& name) {
        Client& c = join(name, false);
        c.handle(protocol::Publish{testsdp::kChromeOffer, std::nullopt});
        EXPECT_TRUE(c.connection->next<protocol::PublishAnswer>()) << name << " did not publish";
        return c;
    }

    // Answers the next subscribe offer; returns it parsed.
    SessionDescription answerNext(Client& c, const std::string& what) {
        auto offer = c.connection->next<protocol::SubscribeOffer>();
        EXPECT_TRUE(offer) << "no subscribe offer " << what;
        if (!offer) return {};
        auto parsed = parse(offer->sdp);
        c.handle(protocol::SubscribeAnswer{browserAnswer(parsed), offer->revision, std::nullopt});
        return parsed;
    }

    std::unique_ptr<rooms::Conference> conference_;
    std::vector<std::unique_ptr<Client>> clients_;
};

// auth: dev: the join message states the unit and role; the others see them, and the role's
// rights hold (an observer may not publish), a malformed unit or unknown role is refused.
TEST_F(WsClientTest, DevJoinStatesUnitAndRoleThatTheOthersSeeAndThatHold) {
    clients_.push_back(std::make_unique<Client>(*conference_));
    Client& observer = *clients_.back();
    protocol::Join j;
    j.meeting = "m";
    j.displayName = "Sở Nội vụ";
    j.autoSubscribe = false;
    j.unit = "tinh-an-hoa";
    j.role = "observer";
    observer.handle(j);
    ASSERT_TRUE(observer.connection->next<protocol::Joined>());
    observer.handle(protocol::Publish{testsdp::kChromeOffer, std::nullopt});
    EXPECT_FALSE(observer.connection->next<protocol::PublishAnswer>(kQuietWait));
    ASSERT_EQ(observer.connection->errors().size(), 1u);
    EXPECT_NE(observer.connection->errors()[0].find("observer may not publish"), std::string::npos)
        << observer.connection->errors()[0];

    Client& other = join("other", false);
    (void)other;
    clients_.push_back(std::make_unique<Client>(*conference_));
    Client& late = *clients_.back();
    j.displayName = "late";
    j.unit = std::nullopt;
    j.role = std::nullopt;
    late.handle(j);
    auto joined = late.connection->next<protocol::Joined>();
    ASSERT_TRUE(joined);
    bool sawObserver = false;
    for (const auto& p : joined->participants) {
        if (p.displayName != "Sở Nội vụ") continue;
        sawObserver = true;
        EXPECT_EQ(p.unit, "tinh-an-hoa");
        EXPECT_EQ(p.role, "observer");
    }
    EXPECT_TRUE(sawObserver);

    for (auto [unit, role] : {std::pair<std::string, std::string>{"Tinh", "room"},
                              std::pair<std::string, std::string>{"tinh", "governor"}}) {
        clients_.push_back(std::make_unique<Client>(*conference_));
        Client& bad = *clients_.back();
        j.unit = unit;
        j.role = role;
        bad.handle(j);
        EXPECT_FALSE(bad.connection->next<protocol::Joined>(kQuietWait)) << unit << " " << role;
        EXPECT_EQ(bad.connection->errors().size(), 1u) << unit << " " << role;
    }
}

// The reported sequence: three in a meeting, the first leaves. The subscriber's offer rejects
// the departed tracks' m-lines, including the BUNDLE-tagged one, and Chromium closes its DTLS
// association before it answers. The server must not offer again before that answer, and the
// next offer keeps every m-line (mid and position) and brings a new transport.
// Chrome's offer with a second video m-section (mid 3, other SSRCs and msid): the shared screen.
std::string withScreen(const std::string& direction) {
    std::string offer = testsdp::kChromeOffer;
    const auto begin = offer.find("m=video");
    const auto end = offer.find("m=application");
    std::string screen = offer.substr(begin, end - begin);
    const auto swap = [&](const std::string& from, const std::string& to) {
        for (auto at = screen.find(from); at != std::string::npos;
             at = screen.find(from, at + to.size()))
            screen.replace(at, from.size(), to);
    };
    swap("a=mid:1", "a=mid:3");
    swap("2833478913", "2833478914");
    swap("3466097224", "3466097225");
    swap("b7e6d5c4-3a2b", "c7e6d5c4-3a2b");
    swap("a=sendonly", "a=" + direction);
    offer.replace(offer.find("a=group:BUNDLE 0 1 2"), 20, "a=group:BUNDLE 0 1 2 3");
    return offer + screen;
}

// Screen sharing: `screenMid` names the screen's m-section, published as "<pid>-screen" (source
// screen) next to the camera; a screenMid that names no video m-section is refused; the same
// m-section re-offered inactive stops the share (trackUnpublished), the camera stays.
TEST_F(WsClientTest, ScreenMidPublishesAndInactiveStopsTheScreen) {
    Client& viewer = join("viewer", true);
    Client& presenter = join("presenter", false);
    presenter.handle(protocol::Publish{withScreen("sendonly"), 1, std::string("7")});
    EXPECT_FALSE(presenter.connection->next<protocol::PublishAnswer>(kQuietWait));
    ASSERT_EQ(presenter.connection->errors().size(), 1u);
    EXPECT_NE(presenter.connection->errors()[0].find("screenMid"), std::string::npos);
    presenter.handle(protocol::Publish{withScreen("sendonly"), 2, std::string("2")});
    EXPECT_FALSE(presenter.connection->next<protocol::PublishAnswer>(kQuietWait))
        << "mid 2 is the data channel, not a video m-section";

    presenter.handle(protocol::Publish{withScreen("sendonly"), 3, std::string("3")});
    ASSERT_TRUE(presenter.connection->next<protocol::PublishAnswer>());
    std::set<std::string> published;
    bool screenSource = false;
    while (auto t = viewer.connection->next<protocol::TrackPublished>(kQuietWait)) {
        published.insert(t->track.id);
        if (t->track.id == presenter.participantId + "-screen")
            screenSource = t->track.source() == protocol::TrackSource::Screen &&
                           t->track.kind == protocol::TrackKind::Video;
    }
    EXPECT_EQ(published.count(presenter.participantId + "-video"), 1u);
    EXPECT_EQ(published.count(presenter.participantId + "-audio"), 1u);
    ASSERT_EQ(published.count(presenter.participantId + "-screen"), 1u);
    EXPECT_TRUE(screenSource);

    presenter.handle(protocol::Publish{withScreen("inactive"), 4, std::string("3")});
    auto answer = presenter.connection->next<protocol::PublishAnswer>();
    ASSERT_TRUE(answer);
    const auto parsed = parse(answer->sdp);
    ASSERT_EQ(parsed.media.size(), 4u);
    EXPECT_TRUE(parsed.media[3].rejected) << "the inactive screen m-section is answered rejected";
    auto gone = viewer.connection->next<protocol::TrackUnpublished>();
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->trackId, presenter.participantId + "-screen");
    EXPECT_FALSE(viewer.connection->next<protocol::TrackUnpublished>(kQuietWait))
        << "the camera and microphone stay";
}

TEST_F(WsClientTest, SubscribeTransportLostMidOfferKeepsMLines) {
    Client& first = joinAndPublish("first");
    Client& second = joinAndPublish("second");
    Client& viewer = join("viewer", true);

    auto offer = answerNext(viewer, "after the join");
    // The two publishers' tracks may arrive in one offer or more.
    for (int i = 0; i < 3 && offer.media.size() < 4; ++i) {
        offer = answerNext(viewer, "for the second publisher");
    }
    ASSERT_EQ(layout(offer), (std::vector<std::string>{"0:9", "1:9", "2:9", "3:9"}));
    ASSERT_EQ(offer.bundleMids.front(), "0");
    std::string tagOwner;
    for (const auto& m : offer.media) {
        if (m.mid == "0") tagOwner = m.msidStream;
    }
    Client& leaver = tagOwner == first.participantId ? first : second;
    Client& stayer = tagOwner == first.participantId ? second : first;
    const std::string transportBefore = viewer.ws->subscribeTransportId();
    ASSERT_FALSE(transportBefore.empty());

    leaver.ws->disconnect();
    auto rejecting = viewer.connection->next<protocol::SubscribeOffer>();
    ASSERT_TRUE(rejecting) << "no offer after the leave";
    const auto rejectingSdp = parse(rejecting->sdp);
    EXPECT_EQ(layout(rejectingSdp), (std::vector<std::string>{"0:0", "1:0", "2:9", "3:9"}));
    EXPECT_EQ(rejectingSdp.bundleMids, (std::vector<std::string>{"2", "3"}));

    // What Chromium does on applying it: DTLS close_notify on the old BUNDLE transport.
    conference_->closeTransport("m", viewer.participantId, transportBefore);
    EXPECT_FALSE(viewer.connection->next<protocol::SubscribeOffer>(kQuietWait))
        << "an offer was sent before the answer to revision " << rejecting->revision;

    viewer.handle(
        protocol::SubscribeAnswer{browserAnswer(rejectingSdp), rejecting->revision, std::nullopt});
    auto restart = viewer.connection->next<protocol::SubscribeOffer>();
    ASSERT_TRUE(restart) << "no offer with a new transport";
    EXPECT_GT(restart->revision, rejecting->revision);
    const auto restartSdp = parse(restart->sdp);
    EXPECT_EQ(layout(restartSdp), (std::vector<std::string>{"0:0", "1:0", "2:9", "3:9"}));
    EXPECT_NE(restartSdp.iceUfrag, rejectingSdp.iceUfrag) << "same ICE credentials";
    for (size_t i = 2; i < restartSdp.media.size(); ++i) {
        const auto& m = restartSdp.media[i];
        EXPECT_EQ(m.msidStream, stayer.participantId);
        EXPECT_EQ(m.msidTrack, rejectingSdp.media[i].msidTrack);
        // New consumers number their packets afresh: a new SSRC keeps the browser from
        // dropping them as older than what it already decoded.
        EXPECT_NE(m.ssrcs, rejectingSdp.media[i].ssrcs) << "mid " << m.mid;
    }
    viewer.handle(
        protocol::SubscribeAnswer{browserAnswer(restartSdp), restart->revision, std::nullopt});
    const std::string transportAfter = viewer.ws->subscribeTransportId();
    EXPECT_FALSE(transportAfter.empty());
    EXPECT_NE(transportAfter, transportBefore);

    // Someone new publishes: the rejected m-lines are recycled in place under new mids.
    Client& newcomer = joinAndPublish("newcomer");
    auto recycled = answerNext(viewer, "for the newcomer");
    // Its audio and video may come in one offer or two.
    for (int i = 0; i < 2 && recycled.media.size() >= 2 &&
                    (recycled.media[0].rejected || recycled.media[1].rejected);
         ++i) {
        recycled = answerNext(viewer, "for the newcomer's second track");
    }
    ASSERT_EQ(recycled.media.size(), 4u);
    EXPECT_EQ(layout(recycled), (std::vector<std::string>{"4:9", "5:9", "2:9", "3:9"}));
    EXPECT_EQ(recycled.media[0].msidStream, newcomer.participantId);
    EXPECT_EQ(recycled.media[2].msidStream, stayer.participantId);
    EXPECT_EQ(viewer.connection->errors(), std::vector<std::string>{});
}

// An answer Negotiator::applyAnswer refuses: the client has applied the offer regardless, so a
// change that waited for the answer is offered next, on top of the same m-lines.
TEST_F(WsClientTest, RefusedAnswerStillOffersWaitingChangeOnTheSameMLines) {
    joinAndPublish("first");
    Client& viewer = join("viewer", true);
    auto offer = viewer.connection->next<protocol::SubscribeOffer>();
    ASSERT_TRUE(offer);
    const auto offerSdp = parse(offer->sdp);
    ASSERT_EQ(layout(offerSdp), (std::vector<std::string>{"0:9", "1:9"}));

    // A change while the offer is out waits for the answer.
    Client& second = joinAndPublish("second");
    EXPECT_FALSE(viewer.connection->next<protocol::SubscribeOffer>(kQuietWait));

    std::string bad = browserAnswer(offerSdp);
    bad.replace(bad.find("a=setup:active"), 14, "a=setup:passive");
    viewer.handle(protocol::SubscribeAnswer{bad, offer->revision, std::nullopt});
    auto following = viewer.connection->next<protocol::SubscribeOffer>();
    EXPECT_EQ(viewer.connection->errors().size(), 1u) << "the refusal is reported";
    ASSERT_TRUE(following) << "the waiting change was never offered";
    const auto followingSdp = parse(following->sdp);
    EXPECT_EQ(layout(followingSdp), (std::vector<std::string>{"0:9", "1:9", "2:9", "3:9"}));
    EXPECT_EQ(followingSdp.media[2].msidStream, second.participantId);
}

}  // namespace
}  // namespace vcb::signaling

namespace vcb::signaling {
namespace {

// Government meetings over the WebSocket (WsMeetingControl): the join gets the meeting's state,
// the policy refuses with its stable codes, and a change reaches everyone as meetingEvent +
// meetingState. A plain meeting answers floor commands with not_governed.
TEST_F(WsClientTest, GovernmentMeetingCommandsAndStates) {
    std::string error;
    auto cert =
        std::shared_ptr<const dtls::DtlsCertificate>(dtls::DtlsCertificate::generate(&error));
    ASSERT_TRUE(cert) << error;
    rooms::ConferenceConfig config;
    config.ice = {"127.0.0.1", 47400, 47409};
    rooms::policy::MeetingInfo info;
    info.id = "council";
    info.convening = {"gov", "Chính phủ", 0};
    info.invited = {{"hn", "Hà Nội", 1}};
    info.chairSubject = "chair";
    config.governmentMeetings = {info};
    rooms::Conference gov(config, dtls::DtlsContext::create(cert, &error),
                          std::make_shared<rooms::AllowAllAuthenticator>());
    ASSERT_TRUE(gov.startError().empty()) << gov.startError();

    const auto joinAs = [&](Client& c, const std::string& name, const std::string& unit,
                            const std::string& role) {
        protocol::Join j;
        j.meeting = "council";
        j.displayName = name;
        j.autoSubscribe = false;
        j.unit = unit;
        j.role = role;
        c.handle(j);
    };
    Client chair(gov), delegate(gov), stranger(gov);
    joinAs(chair, "chair", "gov", "chair");
    ASSERT_TRUE(chair.connection->next<protocol::Joined>());
    auto lobby = chair.connection->next<protocol::MeetingStateMessage>();
    ASSERT_TRUE(lobby);
    EXPECT_EQ(lobby->state, "open");
    EXPECT_EQ(lobby->chair, "chair");

    joinAs(delegate, "hanoi", "hn", "delegate");
    ASSERT_TRUE(delegate.connection->next<protocol::Joined>());
    joinAs(stranger, "x", "elsewhere", "delegate");
    auto refused = stranger.connection->next<protocol::Error>();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, protocol::ErrorCode::NotInvited);

    protocol::MeetingControl start;
    start.action = protocol::MeetingAction::StartSession;
    start.requestId = 5;
    delegate.handle(start);
    auto notChair = delegate.connection->next<protocol::Error>();
    ASSERT_TRUE(notChair);
    EXPECT_TRUE(notChair->code == protocol::ErrorCode::NotChair ||
                notChair->code == protocol::ErrorCode::ForbiddenForRole);
    EXPECT_EQ(notChair->requestId, 5);

    chair.handle(start);
    for (Client* c : {&chair, &delegate}) {
        bool started = false;
        for (int i = 0; i < 5 && !started; ++i) {
            auto ev = c->connection->next<protocol::MeetingEventMessage>();
            ASSERT_TRUE(ev);
            started = ev->event == "session_started";
        }
        EXPECT_TRUE(started);
        std::optional<protocol::MeetingStateMessage> st;
        for (int i = 0; i < 5 && !(st && st->state == "in_session"); ++i)
            st = c->connection->next<protocol::MeetingStateMessage>();
        ASSERT_TRUE(st);
        EXPECT_EQ(st->state, "in_session");
    }

    protocol::MeetingControl raise;
    raise.action = protocol::MeetingAction::RaiseHand;
    delegate.handle(raise);
    std::optional<protocol::MeetingStateMessage> queued;
    for (int i = 0; i < 5 && !(queued && !queued->queue.empty()); ++i)
        queued = chair.connection->next<protocol::MeetingStateMessage>();
    ASSERT_TRUE(queued);
    ASSERT_EQ(queued->queue.size(), 1u);
    EXPECT_EQ(queued->queue[0].unit, "hn");
    EXPECT_EQ(queued->queue[0].tier, 1);
    EXPECT_EQ(queued->queue[0].subject, "hanoi");

    // The same identity joining again replaces its session: the old client is told why and its
    // socket closed, the new one is in; removal and the meeting's end close the same way.
    Client again(gov);
    joinAs(again, "hanoi", "hn", "delegate");
    ASSERT_TRUE(again.connection->next<protocol::Joined>());
    auto replaced = delegate.connection->next<protocol::SessionClosed>();
    ASSERT_TRUE(replaced);
    EXPECT_EQ(replaced->reason, "replaced");
    EXPECT_EQ(delegate.connection->closed(), boost::beast::websocket::close_code::normal);

    protocol::MeetingControl remove;
    remove.action = protocol::MeetingAction::RemoveParticipant;
    std::string againId;
    {
        // The chair learns the new session's id from participantJoined.
        auto pj = chair.connection->next<protocol::ParticipantJoined>();
        while (pj && pj->participant.displayName != "hanoi")
            pj = chair.connection->next<protocol::ParticipantJoined>();
        ASSERT_TRUE(pj);
        againId = pj->participant.id;
    }
    remove.participantId = againId;
    chair.handle(remove);
    auto removed = again.connection->next<protocol::SessionClosed>();
    ASSERT_TRUE(removed);
    EXPECT_EQ(removed->reason, "removed");
    EXPECT_TRUE(again.connection->closed());

    protocol::MeetingControl end;
    end.action = protocol::MeetingAction::EndMeeting;
    chair.handle(end);
    auto ended = chair.connection->next<protocol::SessionClosed>();
    ASSERT_TRUE(ended);
    EXPECT_EQ(ended->reason, "meeting_ended");

    for (Client* c : {&chair, &delegate, &stranger, &again}) c->ws->disconnect();
    gov.stop();

    // A plain meeting has no policy.
    Client& plain = join("plain", false);
    plain.handle(start);
    auto notGoverned = plain.connection->next<protocol::Error>();
    ASSERT_TRUE(notGoverned);
    EXPECT_EQ(notGoverned->code, protocol::ErrorCode::NotGoverned);
}

// Each wire action maps to its floor command with its fields.
TEST(WsMeetingControlTest, MapsTheChairCommands) {
    using A = protocol::MeetingAction;
    using T = rooms::FloorCommand::Type;
    protocol::MeetingControl m;
    m.action = A::SetSpeakerTimeLimit;
    m.limitSeconds = 90;
    m.warningSeconds = 15;
    rooms::FloorCommand c = WsMeetingControl::command(m);
    EXPECT_EQ(c.type, T::SetSpeakerTimeLimit);
    EXPECT_EQ(c.limitSeconds, 90);
    EXPECT_EQ(c.warningSeconds, 15);
    m.limitSeconds.reset();
    m.warningSeconds = 0;
    EXPECT_FALSE(WsMeetingControl::command(m).limitSeconds);

    protocol::MeetingControl hand;
    hand.action = A::HandOverChair;
    hand.subject = "deputy";
    c = WsMeetingControl::command(hand);
    EXPECT_EQ(c.type, T::HandOverChair);
    EXPECT_EQ(c.subject, "deputy");

    protocol::MeetingControl mute;
    mute.action = A::MuteUnit;
    mute.unit = "hn";
    c = WsMeetingControl::command(mute);
    EXPECT_EQ(c.type, T::MuteUnit);
    EXPECT_EQ(c.unit, "hn");

    const std::pair<A, T> all[] = {
        {A::StartSession, T::StartSession},   {A::EndMeeting, T::EndMeeting},
        {A::RaiseHand, T::RaiseHand},         {A::LowerHand, T::LowerHand},
        {A::GrantFloor, T::GrantFloor},       {A::DenyFloor, T::DenyFloor},
        {A::RevokeFloor, T::RevokeFloor},     {A::Mute, T::Mute},
        {A::UnmuteUnit, T::UnmuteUnit},       {A::MuteAll, T::MuteAll},
        {A::Spotlight, T::Spotlight},         {A::LockMeeting, T::LockMeeting},
        {A::UnlockMeeting, T::UnlockMeeting}, {A::RemoveParticipant, T::RemoveParticipant},
        {A::StartRollCall, T::StartRollCall}, {A::ConfirmRollCall, T::ConfirmRollCall},
        {A::EndRollCall, T::EndRollCall},     {A::SetSpeakerTimeLimit, T::SetSpeakerTimeLimit},
        {A::HandOverChair, T::HandOverChair}, {A::MuteUnit, T::MuteUnit},
    };
    for (const auto& [a, t] : all) {
        protocol::MeetingControl x;
        x.action = a;
        EXPECT_EQ(WsMeetingControl::command(x).type, t) << static_cast<int>(a);
    }
}

}  // namespace
}  // namespace vcb::signaling
