package io.mlco2.nvml;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C functions of {@code libnvidia-ml} this project calls (JNA interface mapping: a symbol missing from an old
 * driver fails only the call that needs it). Struct arguments are raw memory; layouts (x86-64 / aarch64 LP64,
 * checked against nvml.h and on an H200):
 * <pre>
 *   nvmlUtilization_t  { uint gpu @0; uint memory @4 }                                      size 8
 *   nvmlMemory_t       { ull total @0; ull free @8; ull used @16 }                            size 24
 *   nvmlProcessInfo_t  { uint pid @0; [pad]; ull usedGpuMemory @8; uint gi @16; uint ci @20 } size 24 (_v3)
 *   nvmlFieldValue_t   { uint fieldId @0; uint scopeId @4; int64 timestamp @8; int64 latencyUsec @16;
 *                        enum valueType @24; enum nvmlReturn @28; union value @32 }           size 40
 *   nvmlProcessUtilizationSample_t { uint pid @0; [pad]; ull timeStamp @8; uint smUtil @16; uint memUtil @20;
 *                        uint encUtil @24; uint decUtil @28 }                                 size 32
 *   nvmlPciInfo_t      { char busIdLegacy[16] @0; uint domain @16; uint bus @20; uint device @24;
 *                        uint pciDeviceId @28; uint pciSubSystemId @32; char busId[32] @36 }  size 68
 * </pre>
 */
interface NvmlLibrary extends Library {
    int nvmlInit_v2();

    int nvmlShutdown();

    String nvmlErrorString(int result);

    int nvmlSystemGetDriverVersion(byte[] version, int length);

    int nvmlSystemGetNVMLVersion(byte[] version, int length);

    int nvmlDeviceGetCount_v2(IntByReference count);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetName(Pointer device, byte[] name, int length);

    int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

    int nvmlDeviceGetPciInfo_v3(Pointer device, Pointer pci);

    int nvmlDeviceGetArchitecture(Pointer device, IntByReference arch);

    int nvmlDeviceGetPowerUsage(Pointer device, IntByReference powerMw);

    int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference energyMj);

    int nvmlDeviceGetFieldValues(Pointer device, int valuesCount, Pointer values);

    int nvmlDeviceGetPowerManagementLimit(Pointer device, IntByReference limitMw);

    int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference limitMw);

    int nvmlDeviceGetPowerManagementDefaultLimit(Pointer device, IntByReference limitMw);

    int nvmlDeviceGetUtilizationRates(Pointer device, Pointer utilization);

    int nvmlDeviceGetMemoryInfo(Pointer device, Pointer memory);

    int nvmlDeviceGetComputeRunningProcesses_v3(Pointer device, IntByReference infoCount, Pointer infos);

    int nvmlDeviceGetProcessUtilization(Pointer device, Pointer utilization, IntByReference processSamplesCount,
                                        long lastSeenTimeStamp);
}
