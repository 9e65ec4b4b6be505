// Thin Node-API binding to MPI for @shampoo-ts/distributed's MPI communicator.
//
// Only the byte transport lives here; the collective semantics (argument checks, the
// rank-ordered float32 reduction) are in TypeScript, shared with the other communicators.
//   init()                      -> { rank, size }   MPI_Init (once) on MPI_COMM_WORLD
//   allGatherV(bytes)           -> { data, counts } MPI_Allgather of the counts, then MPI_Allgatherv
//   allToAllV(bytes, counts)    -> { data, counts } counts[j] bytes (back to back) to rank j:
//                                                  MPI_Alltoall of the counts, then MPI_Alltoallv
//   broadcast(bytes, root)      -> bytes            MPI_Bcast of the length, then of the bytes
//   barrier()                                       MPI_Barrier
//   finalize()                                      MPI_Finalize (once; later calls do nothing)
//   processor()                 -> string           MPI_Get_processor_name
// Errors return to JavaScript as exceptions (MPI_ERRORS_RETURN), with MPI's own message.
#include <mpi.h>
#include <napi.h>

#include <cstdint>
#include <cstring>
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
  int size = 0;
  ThrowIfError(env, MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  int mine = static_cast<int>(send.ByteLength());
  std::vector<int> counts(size);
  ThrowIfError(env, MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather (counts)");
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
  ThrowIfError(env, MPI_Alltoall(sendCounts.data(), 1, MPI_INT, recvCounts.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Alltoall (counts)");
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
  int64_t length = rank == root ? static_cast<int64_t>(data.ByteLength()) : 0;
  ThrowIfError(env, MPI_Bcast(&length, 1, MPI_INT64_T, root, MPI_COMM_WORLD), "MPI_Bcast (length)");
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
  ThrowIfError(env, MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  return env.Undefined();
}

Napi::Value Finalize(const Napi::CallbackInfo& info) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  if (initialized && !finalized) ThrowIfError(info.Env(), MPI_Finalize(), "MPI_Finalize");
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
  return exports;
}

}  // namespace

NODE_API_MODULE(mpi_binding, Module)
