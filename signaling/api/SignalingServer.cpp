#include "signaling/api/SignalingServer.hpp"

#include "rooms/LinkMetrics.hpp"
#include "media/AudioMixer.hpp"
#include "sfu/core/Metrics.hpp"
#include "signaling/web/DemoPage.hpp"
#include "signaling/web/WebApp.hpp"

namespace vcb::signaling {

namespace http = boost::beast::http;

SignalingServer::SignalingServer(boost::asio::io_context& ioc, HttpServerConfig config,
                                 rooms::Conference& conference, ApiLimits limits,
                                 std::unique_ptr<MeetingsApi> meetings)
    : conference_(conference),
      sessions_(std::make_shared<SessionRegistry>()),
      joinLimiter_(std::make_shared<RateLimiter>(RateLimiter::Config{
          limits.joinRatePerIp, limits.joinBurstPerIp, limits.rateLimitMaxIps})),
      server_(ioc, std::move(config)),
      whipWhep_(conference, sessions_, joinLimiter_),
      ws_(std::make_shared<WsService>(conference, limits, joinLimiter_)),
      meetings_(std::move(meetings)) {
    HttpRouter& router = server_.router();
    router.add({http::verb::get, http::verb::head}, "/healthz", [](HttpRequest, HttpResponder res) {
        HttpResponse r;
        r.contentType = "text/plain";
        r.body = "ok\n";
        res.respond(std::move(r));
    });
    router.add({http::verb::get}, "/metrics", [this](HttpRequest, HttpResponder res) {
        HttpResponse r;
        r.contentType = "text/plain; version=0.0.4";
        r.body = sfu::Metrics::instance().toPrometheus();
        r.body += rooms::LinkMetrics::instance().toPrometheus();
        r.body += "# HELP vcb_meetings Meetings open\n# TYPE vcb_meetings gauge\nvcb_meetings " +
                  std::to_string(conference_.meetingCount()) + "\n";
        r.body +=
            "# HELP vcb_http_sessions WHIP/WHEP sessions open\n# TYPE vcb_http_sessions "
            "gauge\nvcb_http_sessions " +
            std::to_string(sessions_->size()) + "\n";
        r.body += "# HELP vcb_mixers_running Programme audio mixers with a pipeline\n"
                  "# TYPE vcb_mixers_running gauge\nvcb_mixers_running " +
                  std::to_string(media::MixerHost::running.load()) + "\n";
        r.body += "# HELP vcb_mixer_restarts_total Mixer pipelines rebuilt after a bus error\n"
                  "# TYPE vcb_mixer_restarts_total counter\nvcb_mixer_restarts_total " +
                  std::to_string(media::MixerHost::restarts.load()) + "\n";
        r.body += "# HELP vcb_mixer_stalls_total Mixer pipelines rebuilt because their output "
                  "stopped\n# TYPE vcb_mixer_stalls_total counter\nvcb_mixer_stalls_total " +
                  std::to_string(media::MixerHost::stalls.load()) + "\n";
        res.respond(std::move(r));
    });
    router.addStatic("/demo", "text/html; charset=utf-8", std::string(demoPageHtml()));
    // The web client (signaling/web/app): its page at "/", its scripts and styles under /app/.
    for (const EmbeddedFile& f : webAppFiles()) {
        const std::string body(f.body);
        if (f.path == "index.html") router.addStatic("/", std::string(f.contentType), body);
        router.addStatic("/app/" + std::string(f.path), std::string(f.contentType), body);
    }
    whipWhep_.registerRoutes(router);
    router.addWebSocket("/ws", ws_);
    if (meetings_) {
        meetings_->setConference(&conference_);
        meetings_->registerRoutes(router);
    }
    router.freeze();
}

boost::system::error_code SignalingServer::start() { return server_.start(); }

void SignalingServer::drain() {
    server_.stopAccepting();
    whipWhep_.drain();
    ws_->drain();
}

void SignalingServer::stop() { server_.stop(); }

}  // namespace vcb::signaling
