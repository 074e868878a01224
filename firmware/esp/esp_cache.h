/* Registers of ESP's cache controllers (the CPU tile's private L2, a memory
 * tile's LLC), as ESP's bare-metal esp_flush drives them. Names after ESP's
 * esp_cache.h; independent implementation for this simulator
 * (hw/soc/cache_controller.hpp, docs/esp-platform.md).
 *
 * A flush: write BIT(ESP_CACHE_CMD_FLUSH_BIT) to CMD, poll STATUS until DONE,
 * write 0 to CMD (clears DONE for the next one). */
#ifndef ESP_CACHE_H
#define ESP_CACHE_H

#define ESP_CACHE_REG_CMD 0x00
#define ESP_CACHE_REG_STATUS 0x04

#define ESP_CACHE_CMD_FLUSH_BIT 1

#define ESP_CACHE_STATUS_DONE_MASK 0x1u
#define ESP_CACHE_STATUS_CPUID_MASK 0xf0000000u
#define ESP_CACHE_STATUS_CPUID_SHIFT 28

#endif /* ESP_CACHE_H */
