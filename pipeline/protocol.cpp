#include "pipeline/protocol.h"

namespace zpe::protocol {

bool send_frames(zmq::socket_t& socket, const Frames& frames) {
  try {
    for (size_t i = 0; i < frames.size(); ++i) {
      auto flags = i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none;
      if (!socket.send(zmq::buffer(frames[i]), flags)) return false;
    }
    return true;
  } catch (const zmq::error_t&) {
    return false;
  }
}

std::optional<Frames> recv_frames(zmq::socket_t& socket, long timeout_ms) {
  zmq::pollitem_t item{socket.handle(), 0, ZMQ_POLLIN, 0};
  try {
    if (zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms)) <= 0) return std::nullopt;
    Frames frames;
    while (true) {
      zmq::message_t part;
      if (!socket.recv(part, zmq::recv_flags::dontwait)) return std::nullopt;
      frames.emplace_back(part.to_string());
      if (!part.more()) break;
    }
    return frames;
  } catch (const zmq::error_t&) {
    return std::nullopt;
  }
}

}  // namespace zpe::protocol
