#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "clients/loadgen/JanusMessages.hpp"

namespace vcb::loadgen {
namespace {

namespace json = boost::json;

json::object parsed(const std::string& text) { return json::parse(text).as_object(); }

TEST(JanusMessagesTest, CoreRequests) {
    auto create = parsed(JanusMessages::createSession("t1"));
    EXPECT_EQ(create.at("janus").as_string(), "create");
    EXPECT_EQ(create.at("transaction").as_string(), "t1");
    auto attach = parsed(JanusMessages::attach("t2"));
    EXPECT_EQ(attach.at("janus").as_string(), "attach");
    EXPECT_EQ(attach.at("plugin").as_string(), "janus.plugin.videoroom");
    EXPECT_EQ(parsed(JanusMessages::destroy("t3")).at("janus").as_string(), "destroy");
    EXPECT_EQ(parsed(JanusMessages::keepalive("t4")).at("janus").as_string(), "keepalive");
}

TEST(JanusMessagesTest, VideoRoomRequests) {
    auto room = parsed(JanusMessages::createRoom("t", 42, 25));
    const auto& body = room.at("body").as_object();
    EXPECT_EQ(room.at("janus").as_string(), "message");
    EXPECT_EQ(body.at("request").as_string(), "create");
    EXPECT_EQ(body.at("room").to_number<uint64_t>(), 42u);
    EXPECT_EQ(body.at("publishers").to_number<unsigned>(), 25u);
    EXPECT_EQ(body.at("videocodec").as_string(), "vp8");
    EXPECT_FALSE(room.contains("jsep"));

    auto configure = parsed(JanusMessages::configure("t", "v=0\r\n"));
    EXPECT_EQ(configure.at("body").at("request").as_string(), "configure");
    EXPECT_EQ(configure.at("jsep").at("type").as_string(), "offer");
    EXPECT_EQ(configure.at("jsep").at("sdp").as_string(), "v=0\r\n");
    EXPECT_FALSE(configure.at("jsep").at("trickle").as_bool());

    auto join = parsed(JanusMessages::joinSubscriber("t", 42, 9007199254740991ull));
    EXPECT_EQ(join.at("body").at("ptype").as_string(), "subscriber");
    EXPECT_EQ(join.at("body").at("streams").at(0).at("feed").to_number<uint64_t>(),
              9007199254740991ull);
    auto start = parsed(JanusMessages::start("t", "answer-sdp"));
    EXPECT_EQ(start.at("body").at("request").as_string(), "start");
    EXPECT_EQ(start.at("jsep").at("type").as_string(), "answer");
    EXPECT_EQ(parsed(JanusMessages::joinPublisher("t", 42, "x")).at("body").at("ptype").as_string(),
              "publisher");
}

TEST(JanusMessagesTest, ParsesIdsAndAcks) {
    std::string error;
    auto id = JanusMessages::parseId(
        R"({"janus":"success","transaction":"t","data":{"id":3713405339276125}})", error);
    ASSERT_TRUE(id) << error;
    EXPECT_EQ(*id, 3713405339276125ull);
    EXPECT_FALSE(JanusMessages::parseId(
        R"({"janus":"error","transaction":"t","error":{"code":458,"reason":"No such session"}})",
        error));
    EXPECT_NE(error.find("458"), std::string::npos) << error;
    EXPECT_FALSE(JanusMessages::parseId("not json", error));
    EXPECT_FALSE(JanusMessages::parseId(R"({"janus":"success","data":{}})", error));

    EXPECT_TRUE(JanusMessages::parseAck(R"({"janus":"ack","session_id":1,"transaction":"t7"})",
                                        "t7", error));
    EXPECT_FALSE(JanusMessages::parseAck(R"({"janus":"ack","transaction":"t6"})", "t7", error));
}

TEST(JanusMessagesTest, FindsTheReplyInALongPoll) {
    // What GET /janus/<session>?maxev=10 returns: other events first, ours with Janus's offer.
    const std::string poll = R"([
        {"janus":"keepalive"},
        {"janus":"webrtcup","session_id":1,"sender":2},
        {"janus":"event","session_id":1,"sender":2,"transaction":"other",
         "plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"event"}}},
        {"janus":"event","session_id":1,"sender":2,"transaction":"mine",
         "plugindata":{"plugin":"janus.plugin.videoroom",
                       "data":{"videoroom":"attached","room":42,"streams":[]}},
         "jsep":{"type":"offer","sdp":"v=0\r\n"}}])";
    std::string error;
    auto reply = JanusMessages::findReply(poll, "mine", error);
    ASSERT_TRUE(reply) << error;
    EXPECT_EQ(reply->videoroom, "attached");
    EXPECT_EQ(reply->jsepType, "offer");
    EXPECT_EQ(reply->jsepSdp, "v=0\r\n");
    EXPECT_EQ(reply->errorCode, 0);

    EXPECT_FALSE(JanusMessages::findReply(R"({"janus":"keepalive"})", "mine", error));
    EXPECT_TRUE(error.empty()) << error;
    EXPECT_FALSE(JanusMessages::findReply("[", "mine", error));
    EXPECT_FALSE(error.empty());
}

TEST(JanusMessagesTest, ParsesPublisherJoinAndPluginErrors) {
    std::string error;
    auto joined = JanusMessages::findReply(
        R"({"janus":"event","transaction":"j","plugindata":{"plugin":"janus.plugin.videoroom",
            "data":{"videoroom":"joined","room":42,"id":5562345239,"private_id":1,
                    "publishers":[]}}})",
        "j", error);
    ASSERT_TRUE(joined) << error;
    EXPECT_EQ(joined->videoroom, "joined");
    EXPECT_EQ(joined->id, 5562345239ull);

    auto exists = JanusMessages::findReply(
        R"({"janus":"success","transaction":"c","plugindata":{"plugin":"janus.plugin.videoroom",
            "data":{"videoroom":"event","error_code":427,"error":"Room 42 already exists"}}})",
        "c", error);
    ASSERT_TRUE(exists) << error;
    EXPECT_EQ(exists->errorCode, JanusMessages::kRoomExists);
    EXPECT_NE(exists->error.find("already exists"), std::string::npos);

    auto core = JanusMessages::findReply(
        R"({"janus":"error","transaction":"x","error":{"code":457,"reason":"No such handle"}})",
        "x", error);
    ASSERT_TRUE(core);
    EXPECT_EQ(core->errorCode, 457);
}

TEST(JanusMessagesTest, SeesCoreEvents) {
    std::string error;
    EXPECT_TRUE(JanusMessages::hasEvent(
        R"([{"janus":"media","type":"audio"},{"janus":"webrtcup","session_id":1,"sender":2}])",
        "webrtcup", error));
    EXPECT_TRUE(JanusMessages::hasEvent(R"({"janus":"webrtcup"})", "webrtcup", error));
    EXPECT_FALSE(JanusMessages::hasEvent(R"({"janus":"keepalive"})", "webrtcup", error));
    EXPECT_TRUE(error.empty());
    EXPECT_FALSE(JanusMessages::hasEvent("{", "webrtcup", error));
    EXPECT_FALSE(error.empty());
}

TEST(JanusMessagesTest, RoomIdsAreStableAndJsonSafe) {
    EXPECT_EQ(JanusMessages::roomFor("bench"), JanusMessages::roomFor("bench"));
    EXPECT_NE(JanusMessages::roomFor("bench-0"), JanusMessages::roomFor("bench-1"));
    for (const char* m : {"", "a", "fanout-400", "mesh"}) {
        uint64_t id = JanusMessages::roomFor(m);
        EXPECT_GE(id, 1u);
        EXPECT_LT(id, uint64_t{1} << 53);
    }
}

}  // namespace
}  // namespace vcb::loadgen
