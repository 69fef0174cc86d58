#include "signaling/http/Listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <chrono>

#include "signaling/http/FailLog.hpp"
#include "signaling/http/HttpSession.hpp"
#include "signaling/http/TlsDetectSession.hpp"

namespace vcb::signaling {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Back-off after accept failures such as EMFILE, which would otherwise spin the loop.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

}  // namespace

Listener::Listener(net::io_context& ioc, std::shared_ptr<const ServerContext> ctx)
    : ioc_(ioc),
      ctx_(std::move(ctx)),
      strand_(net::make_strand(ioc)),
      acceptor_(strand_),
      retryTimer_(strand_) {}

boost::system::error_code Listener::open(const tcp::endpoint& endpoint) {
    boost::system::error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return ec;
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return ec;
    acceptor_.bind(endpoint, ec);
    if (ec) return ec;
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return ec;
    const auto local = acceptor_.local_endpoint(ec);
    if (ec) return ec;
    port_ = local.port();
    return {};
}

void Listener::run() {
    net::dispatch(strand_, [self = shared_from_this()] { self->doAccept(); });
}

void Listener::stop() {
    net::post(strand_, [self = shared_from_this()] {
        self->stopped_ = true;
        boost::system::error_code ec;
        self->acceptor_.close(ec);
        self->retryTimer_.cancel();
    });
}

void Listener::doAccept() {
    if (stopped_) return;
    acceptor_.async_accept(
        net::make_strand(ioc_),
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
            self->onAccept(ec, std::move(socket));
        });
}

void Listener::onAccept(boost::system::error_code ec, tcp::socket socket) {
    if (stopped_ || ec == net::error::operation_aborted) return;
    if (ec) {
        fail(ec, "accept");
        retryTimer_.expires_after(kAcceptRetryDelay);
        retryTimer_.async_wait([self = shared_from_this()](boost::system::error_code wec) {
            if (!wec) self->doAccept();
        });
        return;
    }
    auto slot = ctx_->registry->acquire();
    if (slot.valid() && ctx_->tls) {
        std::make_shared<TlsDetectSession>(std::move(socket), ctx_, std::move(slot))->run();
    } else if (slot.valid()) {
        std::make_shared<HttpSession<PlainStream>>(PlainStream(std::move(socket)), ctx_,
                                                   std::move(slot))
            ->run();
    } else {
        // Stopping, or flooded beyond the 503 allowance: drop without a reply.
        boost::system::error_code cec;
        socket.close(cec);
    }
    doAccept();
}

}  // namespace vcb::signaling
