// Thin Node-API binding to MPI for @shampoo-ts/distributed's MPI communicator.
//
// Only the byte transport lives here; the collective semantics (argument checks, the
// rank-ordered float32 reduction) are in TypeScript, shared with the other communicators.
//   init()                      -> { rank, size }   MPI_Init (once) on MPI_COMM_WORLD, and a private duplicate for notices
//   allGatherV(bytes)           -> { data, counts } MPI_Iallgather of the counts, then MPI_Allgatherv
//   allToAllV(bytes, counts)    -> { data, counts } counts[j] bytes (back to back) to rank j:
//                                                  MPI_Ialltoall of the counts, then MPI_Alltoallv
//   broadcast(bytes, root)      -> bytes            MPI_Iallgather of the lengths, then MPI_Bcast of the bytes
//   barrier()                                       MPI_Ibarrier
//   finalize()                                      tell the others ('C'), then MPI_Finalize (once; later calls do nothing)
//   processor()                 -> string           MPI_Get_processor_name
//   setTimeout(ms, drainMs)                         longest wait in one collective (0: no limit); how long
//                                                  a collective may still finish after a rank closed
//   announceFailure(text)                           tell every other rank that this one failed
//   abortAfter(graceMs, code)                       let the notices go out for graceMs, then MPI_Abort
// Errors return to JavaScript as exceptions (MPI_ERRORS_RETURN), with MPI's own message.
//
// Faults. Every collective starts with a small rendezvous that every rank must join (the
// counts or lengths; MPI_Ibarrier for barrier), a non-blocking MPI_I* call completed by
// polling MPI_Test, so a rank never waits unboundedly there. Once it completes every rank
// is inside the same collective, and the data moves with the blocking (tuned) MPI call,
// which then cannot wait for an absent rank. While it polls, a rank also looks (MPI_Iprobe) for a notice
// on a private duplicate of MPI_COMM_WORLD, where a rank that failed ('F' + its error) or
// closed its communicator ('C') tells every other rank, and it gives up after the timeout.
// Either way the collective is left unfinished, so the communicator is broken from then on:
// every later call throws, and the process must end with abortAfter (MPI_Abort), never with
// MPI_Finalize. Errors about a peer carry `failedRank`; timeouts carry `timedOut: true`.
#include <mpi.h>
#include <napi.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <thread>
#include <limits>
#include <string>
#include <vector>

namespace {

void ThrowIfError(Napi::Env env, int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw Napi::Error::New(env, std::string("mpi: ") + what + " failed: " + std::string(text, length));
}

void RequireInitialized(Napi::Env env) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized) {
    throw Napi::Error::New(env, "mpi: MPI is not initialized (call init() first) or already finalized");
  }
}

// ---- fault handling ------------------------------------------------------------------
MPI_Comm faultComm = MPI_COMM_NULL;
constexpr int kNoticeTag = 7301;
double timeoutMs = 0;
std::string broken;                       // why the communicator is broken ("" while healthy)
std::string noticeText;                   // the notice this rank sent (kept alive for MPI_Isend)
std::vector<MPI_Request> noticeRequests;

int WorldRank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int WorldSize() {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

std::string Me() {
  return "mpi communicator (rank " + std::to_string(WorldRank()) + " of " + std::to_string(WorldSize()) + ")";
}

void ThrowBroken(Napi::Env env) {
  throw Napi::Error::New(env, Me() + ": the communicator is broken (" + broken + "); no collective can run, end the process");
}

// Marks the communicator broken and throws `message`, with `failedRank` if >= 0.
[[noreturn]] void Break(Napi::Env env, const std::string& message, int failedRank, bool timedOut) {
  broken = message;
  Napi::Error error = Napi::Error::New(env, message);
  if (failedRank >= 0) error.Set("failedRank", Napi::Number::New(env, failedRank));
  if (timedOut) error.Set("timedOut", Napi::Boolean::New(env, true));
  throw error;
}

// Ranks that announced 'C' (closed), and when the first such notice arrived.
int closedRank = -1;
std::chrono::steady_clock::time_point closedAt;
double drainMs = 1000;

// Reads every pending notice. Throws at once if another rank failed. A rank that closed
// takes part in no new collective, but it may have finished the current one just before
// closing (its last messages can arrive after its notice, which goes on another
// communicator): so during a collective, throw only if it is still unfinished drainMs
// after the notice; before a collective, throw at once.
void CheckNotices(Napi::Env env, const char* what, bool inCollective) {
  if (faultComm == MPI_COMM_NULL) return;
  for (;;) {
    int pending = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kNoticeTag, faultComm, &pending, &status);
    if (!pending) break;
    int length = 0;
    MPI_Get_count(&status, MPI_CHAR, &length);
    std::string text(static_cast<size_t>(length), '\0');
    MPI_Recv(length > 0 ? &text[0] : nullptr, length, MPI_CHAR, status.MPI_SOURCE, kNoticeTag, faultComm, MPI_STATUS_IGNORE);
    if (!text.empty() && text[0] == 'C') {
      if (closedRank < 0) {
        closedRank = status.MPI_SOURCE;
        closedAt = std::chrono::steady_clock::now();
      }
      continue;
    }
    std::string peer = "rank " + std::to_string(status.MPI_SOURCE) + " of " + std::to_string(WorldSize());
    Break(env, Me() + ": " + peer + " failed: " + text.substr(text.empty() ? 0 : 1) + " (noticed in " + what + "); the job is aborting",
          status.MPI_SOURCE, false);
  }
  if (closedRank < 0) return;
  double since = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - closedAt).count();
  if (inCollective && since < drainMs) return;
  Break(env,
        Me() + ": rank " + std::to_string(closedRank) + " of " + std::to_string(WorldSize()) +
            " closed its communicator (MPI_Finalize) and will take part in no more collectives (noticed in " + what + "); the job is aborting",
        closedRank, false);
}

// Before a collective: throws if the communicator is broken or a peer has already failed or closed.
void BeforeCollective(Napi::Env env, const char* what) {
  if (!broken.empty()) ThrowBroken(env);
  CheckNotices(env, what, false);
}

// Completes `request` by polling; throws on a peer's notice or after timeoutMs.
void Complete(Napi::Env env, MPI_Request* request, const char* what) {
  auto start = std::chrono::steady_clock::now();
  for (unsigned spin = 0;; spin++) {
    int done = 0;
    int code = MPI_Test(request, &done, MPI_STATUS_IGNORE);
    if (code != MPI_SUCCESS) {
      broken = std::string(what) + " failed";
      ThrowIfError(env, code, what);
    }
    if (done) return;
    if ((spin & 1023) != 0) continue;
    CheckNotices(env, what, true);
    double waited = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (timeoutMs > 0 && waited > timeoutMs) {
      Break(env,
            Me() + ": timed out after " + std::to_string(static_cast<long long>(timeoutMs)) + " ms in " + what +
                " waiting for the other ranks; the job is aborting",
            -1, true);
    }
  }
}

// Sends `kind` + `text` to every other rank on the notice channel (at most once per process).
void SendNotice(char kind, const std::string& text) {
  if (faultComm == MPI_COMM_NULL || !noticeRequests.empty()) return;
  noticeText = std::string(1, kind) + text.substr(0, 2000);
  int rank = WorldRank(), size = WorldSize();
  for (int r = 0; r < size; r++) {
    if (r == rank) continue;
    MPI_Request request;
    if (MPI_Isend(noticeText.data(), static_cast<int>(noticeText.size()), MPI_CHAR, r, kNoticeTag, faultComm, &request) == MPI_SUCCESS) {
      noticeRequests.push_back(request);
    }
  }
}

Napi::Value SetTimeout(const Napi::CallbackInfo& info) {
  timeoutMs = info[0].As<Napi::Number>().DoubleValue();
  drainMs = info[1].As<Napi::Number>().DoubleValue();
  return info.Env().Undefined();
}

Napi::Value AnnounceFailure(const Napi::CallbackInfo& info) {
  RequireInitialized(info.Env());
  SendNotice('F', info[0].As<Napi::String>().Utf8Value());
  return info.Env().Undefined();
}

// Progresses this rank's notices for graceMs (so the other ranks can receive them and
// report), then aborts the job with `code`. Does not return.
Napi::Value AbortAfter(const Napi::CallbackInfo& info) {
  double graceMs = info[0].As<Napi::Number>().DoubleValue();
  int code = info[1].As<Napi::Number>().Int32Value();
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() < graceMs) {
    if (!noticeRequests.empty()) {
      int done = 0;
      MPI_Testall(static_cast<int>(noticeRequests.size()), noticeRequests.data(), &done, MPI_STATUSES_IGNORE);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  MPI_Abort(MPI_COMM_WORLD, code == 0 ? 1 : code);
  return info.Env().Undefined();
}

Napi::Uint8Array ToUint8Array(Napi::Env env, const uint8_t* data, size_t length) {
  Napi::Uint8Array out = Napi::Uint8Array::New(env, length);
  if (length > 0) std::memcpy(out.Data(), data, length);
  return out;
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (finalized) throw Napi::Error::New(env, "mpi: init() after finalize(); MPI cannot be initialized twice in one process");
  if (!initialized) {
    int provided = 0;
    ThrowIfError(env, MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SINGLE, &provided), "MPI_Init_thread");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    ThrowIfError(env, MPI_Comm_dup(MPI_COMM_WORLD, &faultComm), "MPI_Comm_dup (notice channel)");
    MPI_Comm_set_errhandler(faultComm, MPI_ERRORS_RETURN);
  }
  int rank = 0, size = 0;
  ThrowIfError(env, MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
  ThrowIfError(env, MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  Napi::Object out = Napi::Object::New(env);
  out.Set("rank", rank);
  out.Set("size", size);
  return out;
}

// { data, counts }: what a rank received, and how many bytes came from each rank.
Napi::Object DataWithCounts(Napi::Env env, Napi::Uint8Array data, const std::vector<int>& counts) {
  Napi::Array countArray = Napi::Array::New(env, counts.size());
  for (size_t r = 0; r < counts.size(); r++) countArray.Set(static_cast<uint32_t>(r), counts[r]);
  Napi::Object out = Napi::Object::New(env);
  out.Set("data", data);
  out.Set("counts", countArray);
  return out;
}

// Prefix offsets of `counts`; throws if the total does not fit MPI's int.
std::vector<int> Displacements(Napi::Env env, const std::vector<int>& counts, const char* what) {
  std::vector<int> displs(counts.size());
  int64_t total = 0;
  for (size_t r = 0; r < counts.size(); r++) {
    displs[r] = static_cast<int>(total);
    total += counts[r];
    if (total > std::numeric_limits<int>::max()) {
      throw Napi::RangeError::New(env, std::string("mpi: ") + what + " total size larger than 2^31 - 1 bytes");
    }
  }
  return displs;
}

Napi::Value AllGatherV(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env);
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw Napi::TypeError::New(env, "mpi: allGatherV expects a Uint8Array");
  }
  Napi::Uint8Array send = info[0].As<Napi::Uint8Array>();
  if (send.ByteLength() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    throw Napi::RangeError::New(env, "mpi: allGatherV message larger than 2^31 - 1 bytes");
  }
  BeforeCollective(env, "allGather");
  int size = 0;
  ThrowIfError(env, MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  int mine = static_cast<int>(send.ByteLength());
  std::vector<int> counts(size);
  MPI_Request request;
  ThrowIfError(env, MPI_Iallgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD, &request), "MPI_Iallgather (counts)");
  Complete(env, &request, "MPI_Iallgather (counts of allGather)");
  std::vector<int> displs = Displacements(env, counts, "allGatherV");
  int64_t total = static_cast<int64_t>(displs[size - 1]) + counts[size - 1];
  Napi::Uint8Array recv = Napi::Uint8Array::New(env, static_cast<size_t>(total));
  // MPI wants a non-null buffer even for zero bytes.
  uint8_t empty = 0;
  ThrowIfError(env,
               MPI_Allgatherv(mine > 0 ? send.Data() : &empty, mine, MPI_BYTE, total > 0 ? recv.Data() : &empty,
                              counts.data(), displs.data(), MPI_BYTE, MPI_COMM_WORLD),
               "MPI_Allgatherv");
  return DataWithCounts(env, recv, counts);
}

Napi::Value AllToAllV(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env);
  if (info.Length() < 2 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array ||
      !info[1].IsArray()) {
    throw Napi::TypeError::New(env, "mpi: allToAllV expects (Uint8Array, counts: number[])");
  }
  Napi::Uint8Array send = info[0].As<Napi::Uint8Array>();
  Napi::Array countArray = info[1].As<Napi::Array>();
  int size = 0;
  ThrowIfError(env, MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  if (countArray.Length() != static_cast<uint32_t>(size)) {
    throw Napi::RangeError::New(env, "mpi: allToAllV needs one count per rank");
  }
  std::vector<int> sendCounts(size), recvCounts(size);
  int64_t sent = 0;
  for (int r = 0; r < size; r++) {
    int64_t c = countArray.Get(static_cast<uint32_t>(r)).As<Napi::Number>().Int64Value();
    if (c < 0 || c > std::numeric_limits<int>::max()) throw Napi::RangeError::New(env, "mpi: allToAllV count out of range");
    sendCounts[r] = static_cast<int>(c);
    sent += c;
  }
  if (sent != static_cast<int64_t>(send.ByteLength())) {
    throw Napi::RangeError::New(env, "mpi: allToAllV counts do not add up to the buffer's length");
  }
  std::vector<int> sendDispls = Displacements(env, sendCounts, "allToAllV send");
  BeforeCollective(env, "allToAll");
  MPI_Request request;
  ThrowIfError(env, MPI_Ialltoall(sendCounts.data(), 1, MPI_INT, recvCounts.data(), 1, MPI_INT, MPI_COMM_WORLD, &request), "MPI_Ialltoall (counts)");
  Complete(env, &request, "MPI_Ialltoall (counts of allToAll)");
  std::vector<int> recvDispls = Displacements(env, recvCounts, "allToAllV receive");
  size_t total = static_cast<size_t>(recvDispls[size - 1]) + static_cast<size_t>(recvCounts[size - 1]);
  Napi::Uint8Array recv = Napi::Uint8Array::New(env, total);
  uint8_t empty = 0;  // MPI wants non-null buffers even for zero bytes
  ThrowIfError(env,
               MPI_Alltoallv(send.ByteLength() > 0 ? send.Data() : &empty, sendCounts.data(), sendDispls.data(), MPI_BYTE,
                             total > 0 ? recv.Data() : &empty, recvCounts.data(), recvDispls.data(), MPI_BYTE, MPI_COMM_WORLD),
               "MPI_Alltoallv");
  return DataWithCounts(env, recv, recvCounts);
}

Napi::Value Broadcast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env);
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsNumber()) {
    throw Napi::TypeError::New(env, "mpi: broadcast expects (Uint8Array, root)");
  }
  Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
  int root = info[1].As<Napi::Number>().Int32Value();
  int rank = 0;
  ThrowIfError(env, MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
  int size = 0;
  ThrowIfError(env, MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  // The rendezvous is an all-gather of the lengths (not a broadcast, whose root could
  // finish before the others arrive): once it completes every rank is in this broadcast.
  int64_t mine = rank == root ? static_cast<int64_t>(data.ByteLength()) : 0;
  std::vector<int64_t> lengths(size);
  BeforeCollective(env, "broadcast");
  MPI_Request request;
  ThrowIfError(env, MPI_Iallgather(&mine, 1, MPI_INT64_T, lengths.data(), 1, MPI_INT64_T, MPI_COMM_WORLD, &request),
               "MPI_Iallgather (length of broadcast)");
  Complete(env, &request, "MPI_Iallgather (length of broadcast)");
  int64_t length = lengths[root];
  if (length > std::numeric_limits<int>::max()) {
    throw Napi::RangeError::New(env, "mpi: broadcast message larger than 2^31 - 1 bytes");
  }
  std::vector<uint8_t> buffer(static_cast<size_t>(length) + 1);
  if (rank == root && length > 0) std::memcpy(buffer.data(), data.Data(), static_cast<size_t>(length));
  ThrowIfError(env, MPI_Bcast(buffer.data(), static_cast<int>(length), MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast (data)");
  return ToUint8Array(env, buffer.data(), static_cast<size_t>(length));
}

Napi::Value Barrier(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequireInitialized(env);
  BeforeCollective(env, "barrier");
  MPI_Request request;
  ThrowIfError(env, MPI_Ibarrier(MPI_COMM_WORLD, &request), "MPI_Ibarrier");
  Complete(env, &request, "MPI_Ibarrier (barrier)");
  return env.Undefined();
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (!initialized || finalized) return info.Env().Undefined();
  if (!broken.empty()) throw Napi::Error::New(info.Env(), Me() + ": finalize() on a broken communicator (" + broken + "); use abortAfter");
  // Tell the others that this rank takes part in no more collectives, then finalize
  // (which completes the notices).
  SendNotice('C', "");
  if (!noticeRequests.empty()) MPI_Waitall(static_cast<int>(noticeRequests.size()), noticeRequests.data(), MPI_STATUSES_IGNORE);
  ThrowIfError(info.Env(), MPI_Finalize(), "MPI_Finalize");
  return info.Env().Undefined();
}

Napi::Value Processor(const Napi::CallbackInfo& info) {
  RequireInitialized(info.Env());
  char name[MPI_MAX_PROCESSOR_NAME];
  int length = 0;
  MPI_Get_processor_name(name, &length);
  return Napi::String::New(info.Env(), std::string(name, length));
}

Napi::Object Module(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init));
  exports.Set("allGatherV", Napi::Function::New(env, AllGatherV));
  exports.Set("allToAllV", Napi::Function::New(env, AllToAllV));
  exports.Set("broadcast", Napi::Function::New(env, Broadcast));
  exports.Set("barrier", Napi::Function::New(env, Barrier));
  exports.Set("finalize", Napi::Function::New(env, Finalize));
  exports.Set("processor", Napi::Function::New(env, Processor));
  exports.Set("setTimeout", Napi::Function::New(env, SetTimeout));
  exports.Set("announceFailure", Napi::Function::New(env, AnnounceFailure));
  exports.Set("abortAfter", Napi::Function::New(env, AbortAfter));
  return exports;
}

}  // namespace

NODE_API_MODULE(mpi_binding, Module)
