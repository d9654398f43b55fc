#include "pipeline/work_notifier.h"

#include "pipeline/protocol.h"

namespace zpe {

WorkNotifier::WorkNotifier(zmq::context_t& context, const std::string& dispatcher_endpoint,
                           const ClientLinkSecurity& security)
    : socket_(context, zmq::socket_type::dealer) {
  secure_client_socket(socket_, security);
  socket_.set(zmq::sockopt::linger, 0);
  socket_.set(zmq::sockopt::sndhwm, 16);  // notices for a dispatcher that is down: a few are enough
  socket_.connect(dispatcher_endpoint);
}

void WorkNotifier::notify() {
  try {
    const std::string version = protocol::kWorkerVersion;
    if (!socket_.send(zmq::buffer(version), zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return;
    socket_.send(zmq::buffer(std::string(protocol::kWork)), zmq::send_flags::dontwait);
  } catch (const zmq::error_t&) {
    // A notice is only a wake-up; the dispatcher also looks at the job store on its own.
  }
}

}  // namespace zpe
