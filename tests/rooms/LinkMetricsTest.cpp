// The technician's figures on /metrics (issue 12): labelled by meeting and unit, escaped, bounded
// by LinkMetrics::kMaxParticipants, gone when the participant leaves or the meeting closes.
#include <gtest/gtest.h>

#include "rooms/LinkMetrics.hpp"

namespace vcb::rooms {
namespace {

ParticipantStats lossy(const std::string& id, const std::string& unit, double lossPercent) {
    ParticipantStats p;
    p.participantId = id;
    p.unit = unit;
    p.role = "delegate";
    StreamStats v;
    v.kbps = 800;
    v.lossPercent = lossPercent;
    v.jitterMs = 12;
    p.video = v;
    p.rttMs = 45;
    return p;
}

TEST(LinkMetricsTest, LabelledEscapedRemovedAndBounded) {
    LinkMetrics& m = LinkMetrics::instance();
    m.removeMeeting("m1");
    m.removeMeeting("m\"2");
    m.publish("m1", {lossy("p1", "xa-a", 10.0), lossy("p2", "xa-b", 0.0)});
    std::string text = m.toPrometheus();
    EXPECT_NE(text.find("vcb_participant_loss_ratio{meeting=\"m1\",unit=\"xa-a\",role=\"delegate\","
                        "participant=\"p1\",kind=\"video\"} 0.1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("vcb_participant_rtt_seconds{meeting=\"m1\",unit=\"xa-b\",role=\"delegate\","
                        "participant=\"p2\"} 0.045\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("vcb_participant_jitter_seconds{meeting=\"m1\",unit=\"xa-a\""),
              std::string::npos);
    EXPECT_NE(text.find("vcb_participant_publish_bitrate_bps{meeting=\"m1\",unit=\"xa-a\",role="
                        "\"delegate\",participant=\"p1\"} 800000\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("kind=\"audio\""), std::string::npos) << "no audio: no audio series";

    // The participant leaves: its series go at once; a new snapshot replaces the meeting's set.
    m.removeParticipant("m1", "p1");
    text = m.toPrometheus();
    EXPECT_EQ(text.find("participant=\"p1\""), std::string::npos);
    EXPECT_NE(text.find("participant=\"p2\""), std::string::npos);
    m.publish("m1", {lossy("p3", "xa-c", 1.0)});
    text = m.toPrometheus();
    EXPECT_EQ(text.find("participant=\"p2\""), std::string::npos);
    EXPECT_NE(text.find("participant=\"p3\""), std::string::npos);

    // Label values are escaped.
    m.publish("m\"2", {lossy("p4", "a\\b\nc", 2.0)});
    text = m.toPrometheus();
    EXPECT_NE(text.find("{meeting=\"m\\\"2\",unit=\"a\\\\b\\nc\""), std::string::npos) << text;

    // Bounded: beyond the cap new participants are left out and counted.
    const size_t before = m.participantCount();
    std::vector<ParticipantStats> many;
    for (size_t i = 0; i < LinkMetrics::kMaxParticipants + 10; ++i)
        many.push_back(lossy("q" + std::to_string(i), "u", 1.0));
    m.publish("big", many);
    EXPECT_EQ(m.participantCount(), LinkMetrics::kMaxParticipants);
    text = m.toPrometheus();
    EXPECT_NE(text.find("vcb_participant_series_dropped_total " +
                        std::to_string(before + 10)),
              std::string::npos)
        << text.substr(text.size() - 300);
    m.removeMeeting("big");
    m.removeMeeting("m1");
    m.removeMeeting("m\"2");
    EXPECT_EQ(m.participantCount(), 0u);
    EXPECT_EQ(m.toPrometheus().find("vcb_participant_loss_ratio{"), std::string::npos);
}

}  // namespace
}  // namespace vcb::rooms
