// Signals that exist for waveforms and for other blocks to wait on. Register
// accesses run in the initiator's thread, so a block's state signals can be
// written from several processes; SystemC must not treat that as a conflict.
#pragma once

#include <systemc>

namespace edgebert::hw {

template <typename T>
using TraceSignal = sc_core::sc_signal<T, sc_core::SC_UNCHECKED_WRITERS>;

}  // namespace edgebert::hw
