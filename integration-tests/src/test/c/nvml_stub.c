/*
 * A fake libnvidia-ml.so.1 for the fault-matrix tests (NvmlStubLibraryIT): one "NVIDIA H200" whose behaviour is
 * chosen by environment variables read at nvmlInit_v2. No GPU, no driver, no NVIDIA header needed.
 *
 *   NVML_STUB_MODE  healthy (default) | init-fail | lost-after | not-supported-counter | hang-after
 *   NVML_STUB_N     for lost-after / hang-after: number of power/energy reads that succeed first (default 5);
 *                   a "read" is one call of nvmlDeviceGetPowerUsage, nvmlDeviceGetTotalEnergyConsumption or
 *                   nvmlDeviceGetFieldValues
 *   NVML_STUB_LOG   optional file: one line per event, "<CLOCK_MONOTONIC ns> <event> ...": init, every energy read
 *                   with its value, the first lost/hung read, every call answered GPU_IS_LOST ("lost-call"), and
 *                   at nvmlShutdown how often each power/energy function was called
 *
 * Power is a constant 120 W; the energy counter advances 120 J per second of CLOCK_MONOTONIC from nvmlInit_v2
 * (on top of an arbitrary "since driver load" base), so counter and power agree.
 *
 * Only the symbols the binding (io.mlco2.nvml.NvmlLibrary) uses on the tracking path are defined; the others
 * (nvmlSystemGetNVMLVersion, nvmlDeviceGetPciInfo_v3, nvmlDeviceGetMemoryInfo, nvmlDeviceGetProcessUtilization)
 * are left out on purpose: JNA resolves a symbol at its first call, so a missing one fails only that call.
 *
 * Struct layouts are nvml.h's (x86-64 / aarch64 LP64), checked below with static assertions against the offsets
 * the binding reads (see NvmlLibrary's Javadoc and /work/shared/device/NvmlProbe.java).
 *
 * Build: gcc -shared -fPIC -O1 -Wl,-soname,libnvidia-ml.so.1 -o libnvidia-ml.so.1 nvml_stub.c
 *        (add -DNVML_STUB_NO_FIELD_VALUES for a library without nvmlDeviceGetFieldValues)
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int nvmlReturn_t;
enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
    NVML_ERROR_GPU_IS_LOST = 15
};

typedef struct nvmlDevice_st { int index; } *nvmlDevice_t;

typedef struct { unsigned int gpu; unsigned int memory; } nvmlUtilization_t;

typedef struct {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_t;

typedef union {
    double dVal;
    unsigned int uiVal;
    unsigned long ulVal;
    unsigned long long ullVal;
    signed long long sllVal;
    signed int siVal;
    unsigned short usVal;
} nvmlValue_t;

typedef struct {
    unsigned int fieldId;
    unsigned int scopeId;
    long long timestamp;
    long long latencyUsec;
    int valueType;
    nvmlReturn_t nvmlReturn;
    nvmlValue_t value;
} nvmlFieldValue_t;

_Static_assert(sizeof(nvmlUtilization_t) == 8, "nvmlUtilization_t");
_Static_assert(sizeof(nvmlProcessInfo_t) == 24, "nvmlProcessInfo_t");
_Static_assert(offsetof(nvmlProcessInfo_t, usedGpuMemory) == 8, "usedGpuMemory");
_Static_assert(offsetof(nvmlProcessInfo_t, gpuInstanceId) == 16, "gpuInstanceId");
_Static_assert(sizeof(nvmlFieldValue_t) == 40, "nvmlFieldValue_t");
_Static_assert(offsetof(nvmlFieldValue_t, timestamp) == 8, "timestamp");
_Static_assert(offsetof(nvmlFieldValue_t, latencyUsec) == 16, "latencyUsec");
_Static_assert(offsetof(nvmlFieldValue_t, valueType) == 24, "valueType");
_Static_assert(offsetof(nvmlFieldValue_t, nvmlReturn) == 28, "nvmlReturn");
_Static_assert(offsetof(nvmlFieldValue_t, value) == 32, "value");

#define NVML_VALUE_TYPE_UNSIGNED_INT 1
#define NVML_FI_DEV_POWER_AVERAGE 185
#define NVML_FI_DEV_POWER_INSTANT 186
#define NVML_DEVICE_ARCH_HOPPER 9

#define POWER_MW 120000u
#define ENERGY_BASE_MJ 987654321ull /* "since driver load" */

enum mode { HEALTHY, INIT_FAIL, LOST_AFTER, NOT_SUPPORTED_COUNTER, HANG_AFTER };

static struct nvmlDevice_st device0 = { 0 };
static enum mode mode = HEALTHY;
static long limit_reads = 5;
static const char *log_path;
static long long t0_ns;
static int initialised;
static long reads;      /* power/energy reads so far (atomic) */
static int lost;        /* set once the N+1th read happened in lost-after (atomic) */
static int hang_logged; /* atomic */
static long calls_fields, calls_power, calls_energy, calls_when_lost; /* atomic, for the shutdown line */

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void event(const char *fmt, ...) {
    if (log_path == NULL) {
        return;
    }
    FILE *f = fopen(log_path, "a");
    if (f == NULL) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    fprintf(f, "%lld ", now_ns());
    vfprintf(f, fmt, ap);
    fputc('\n', f);
    va_end(ap);
    fclose(f);
}

/* Every device query starts here: bad handle, lost GPU. */
static nvmlReturn_t device_check(nvmlDevice_t d) {
    if (!__atomic_load_n(&initialised, __ATOMIC_SEQ_CST)) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (d != &device0) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (__atomic_load_n(&lost, __ATOMIC_SEQ_CST)) {
        __atomic_add_fetch(&calls_when_lost, 1, __ATOMIC_SEQ_CST);
        event("lost-call");
        return NVML_ERROR_GPU_IS_LOST;
    }
    return NVML_SUCCESS;
}

/* A power/energy read: counts it, and past N makes the GPU lost or hangs forever. */
static nvmlReturn_t read_check(nvmlDevice_t d, const char *fn) {
    nvmlReturn_t rc = device_check(d);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (mode != LOST_AFTER && mode != HANG_AFTER) {
        return NVML_SUCCESS;
    }
    long n = __atomic_add_fetch(&reads, 1, __ATOMIC_SEQ_CST);
    if (n <= limit_reads) {
        return NVML_SUCCESS;
    }
    if (mode == LOST_AFTER) {
        if (__atomic_exchange_n(&lost, 1, __ATOMIC_SEQ_CST) == 0) {
            event("lost %s read=%ld", fn, n);
        }
        __atomic_add_fetch(&calls_when_lost, 1, __ATOMIC_SEQ_CST);
        event("lost-call %s", fn);
        return NVML_ERROR_GPU_IS_LOST;
    }
    if (__atomic_exchange_n(&hang_logged, 1, __ATOMIC_SEQ_CST) == 0) {
        event("hang %s read=%ld", fn, n);
    }
    for (;;) {
        sleep(1);
    }
}

static nvmlReturn_t copy_string(const char *s, char *buf, unsigned int length) {
    if (buf == NULL) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (strlen(s) + 1 > length) {
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    strcpy(buf, s);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlInit_v2(void) {
    const char *m = getenv("NVML_STUB_MODE");
    const char *n = getenv("NVML_STUB_N");
    log_path = getenv("NVML_STUB_LOG");
    mode = HEALTHY;
    if (m != NULL) {
        if (strcmp(m, "init-fail") == 0) mode = INIT_FAIL;
        else if (strcmp(m, "lost-after") == 0) mode = LOST_AFTER;
        else if (strcmp(m, "not-supported-counter") == 0) mode = NOT_SUPPORTED_COUNTER;
        else if (strcmp(m, "hang-after") == 0) mode = HANG_AFTER;
    }
    if (n != NULL && atol(n) >= 0) {
        limit_reads = atol(n);
    }
    event("init mode=%s n=%ld", m == NULL ? "healthy" : m, limit_reads);
    if (mode == INIT_FAIL) {
        return NVML_ERROR_DRIVER_NOT_LOADED;
    }
    if (!__atomic_load_n(&initialised, __ATOMIC_SEQ_CST)) {
        t0_ns = now_ns();
    }
    __atomic_store_n(&initialised, 1, __ATOMIC_SEQ_CST);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
    event("shutdown fields=%ld power=%ld energy=%ld when-lost=%ld", __atomic_load_n(&calls_fields, __ATOMIC_SEQ_CST),
          __atomic_load_n(&calls_power, __ATOMIC_SEQ_CST), __atomic_load_n(&calls_energy, __ATOMIC_SEQ_CST),
          __atomic_load_n(&calls_when_lost, __ATOMIC_SEQ_CST));
    __atomic_store_n(&initialised, 0, __ATOMIC_SEQ_CST);
    return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
        case NVML_SUCCESS: return "Success";
        case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
        case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
        case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
        case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
        /* Distinct from the binding's built-in message, so a test can tell that it came from this library. */
        case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded (nvml stub)";
        case NVML_ERROR_GPU_IS_LOST: return "GPU is lost (nvml stub)";
        default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    return copy_string("999.99.99-stub", version, length);
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    if (!__atomic_load_n(&initialised, __ATOMIC_SEQ_CST)) return NVML_ERROR_UNINITIALIZED;
    if (count == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *count = 1;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    if (!__atomic_load_n(&initialised, __ATOMIC_SEQ_CST)) return NVML_ERROR_UNINITIALIZED;
    if (index != 0 || device == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    *device = &device0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length) {
    nvmlReturn_t rc = device_check(d);
    return rc != NVML_SUCCESS ? rc : copy_string("NVIDIA H200", name, length);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int length) {
    nvmlReturn_t rc = device_check(d);
    return rc != NVML_SUCCESS ? rc : copy_string("GPU-stub-0000", uuid, length);
}

nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t d, unsigned int *arch) {
    nvmlReturn_t rc = device_check(d);
    if (rc != NVML_SUCCESS) return rc;
    *arch = NVML_DEVICE_ARCH_HOPPER;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *power) {
    __atomic_add_fetch(&calls_power, 1, __ATOMIC_SEQ_CST);
    nvmlReturn_t rc = read_check(d, "nvmlDeviceGetPowerUsage");
    if (rc != NVML_SUCCESS) return rc;
    *power = POWER_MW;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long *energy) {
    __atomic_add_fetch(&calls_energy, 1, __ATOMIC_SEQ_CST);
    nvmlReturn_t rc = device_check(d);
    if (rc != NVML_SUCCESS) return rc;
    if (mode == NOT_SUPPORTED_COUNTER) return NVML_ERROR_NOT_SUPPORTED;
    rc = read_check(d, "nvmlDeviceGetTotalEnergyConsumption");
    if (rc != NVML_SUCCESS) return rc;
    /* 120 W = 120 mJ per ms = 120 mJ per 1e6 ns */
    unsigned long long mj = ENERGY_BASE_MJ + (unsigned long long) (now_ns() - t0_ns) * 120ull / 1000000ull;
    *energy = mj;
    event("energy %llu", mj);
    return NVML_SUCCESS;
}

#ifndef NVML_STUB_NO_FIELD_VALUES /* -D it to build a library without this symbol, as in drivers before it */
nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t d, int valuesCount, nvmlFieldValue_t *values) {
    __atomic_add_fetch(&calls_fields, 1, __ATOMIC_SEQ_CST);
    nvmlReturn_t rc = read_check(d, "nvmlDeviceGetFieldValues");
    if (rc != NVML_SUCCESS) return rc;
    if (valuesCount < 0 || (valuesCount > 0 && values == NULL)) return NVML_ERROR_INVALID_ARGUMENT;
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    for (int i = 0; i < valuesCount; i++) {
        nvmlFieldValue_t *v = &values[i];
        v->timestamp = (long long) rt.tv_sec * 1000000LL + rt.tv_nsec / 1000;
        v->latencyUsec = 0;
        if (v->fieldId == NVML_FI_DEV_POWER_INSTANT || v->fieldId == NVML_FI_DEV_POWER_AVERAGE) {
            v->valueType = NVML_VALUE_TYPE_UNSIGNED_INT;
            v->nvmlReturn = NVML_SUCCESS;
            v->value.ullVal = 0;
            v->value.uiVal = POWER_MW;
        } else {
            v->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
        }
    }
    return NVML_SUCCESS;
}
#endif

static nvmlReturn_t power_limit(nvmlDevice_t d, unsigned int *limit) {
    nvmlReturn_t rc = device_check(d);
    if (rc != NVML_SUCCESS) return rc;
    *limit = 700000u;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t d, unsigned int *limit) { return power_limit(d, limit); }
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t d, unsigned int *limit) { return power_limit(d, limit); }
nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t d, unsigned int *limit) { return power_limit(d, limit); }

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t *u) {
    nvmlReturn_t rc = device_check(d);
    if (rc != NVML_SUCCESS) return rc;
    u->gpu = 50;
    u->memory = 30;
    return NVML_SUCCESS;
}

/* The calling process is the device's only compute process (as on a GPU the tracked JVM uses alone). */
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *infoCount, nvmlProcessInfo_t *infos) {
    nvmlReturn_t rc = device_check(d);
    if (rc != NVML_SUCCESS) return rc;
    if (infoCount == NULL) return NVML_ERROR_INVALID_ARGUMENT;
    if (*infoCount < 1 || infos == NULL) {
        *infoCount = 1;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    infos[0].pid = (unsigned int) getpid();
    infos[0].usedGpuMemory = 1ull << 30;
    infos[0].gpuInstanceId = 0xFFFFFFFFu;
    infos[0].computeInstanceId = 0xFFFFFFFFu;
    *infoCount = 1;
    return NVML_SUCCESS;
}
