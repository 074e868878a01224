/* ESP-compatible bare-metal helpers (esp_probe.h) on the simulator's ESP
 * platform. Independent implementation; see docs/esp-platform.md. */
#include "esp_probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if ESP_NUM_DEVICES > 0
const struct esp_device_info esp_device_table[] = ESP_DEVICE_TABLE_INIT;
#else
const struct esp_device_info esp_device_table[1] = {{0, 0, 0, 0, 0, 0, "", ""}};
#endif
const unsigned esp_device_table_size = ESP_NUM_DEVICES;

const char *const coherence_label[5] = {"non-coherent DMA", "LLC-coherent DMA", "coherent DMA",
                                        "fully coherent access", NULL};

int get_pid(void) {
    unsigned long hart;
    __asm__ volatile("csrr %0, mhartid" : "=r"(hart));
    return (int)hart;
}

/* aligned_malloc keeps the pointer malloc returned in the word just below the
 * aligned block, so aligned_free can give it back. */
void *aligned_malloc(int size) {
    if (size <= 0) return NULL;
    const size_t line = ESP_CACHELINE_BYTES;
    const size_t padded = ((size_t)size + line - 1) / line * line;
    void *raw = malloc(padded + line + sizeof(void *));
    if (!raw) return NULL;
    uintptr_t p = ((uintptr_t)raw + sizeof(void *) + line - 1) & ~(uintptr_t)(line - 1);
    ((void **)p)[-1] = raw;
    return (void *)p;
}

void aligned_free(void *ptr) {
    if (ptr) free(((void **)ptr)[-1]);
}

static const char *table_name(const struct esp_device_info *d, const char *name) {
    return name && name[0] ? name : d->compat;
}

int probe(struct esp_device **espdevs, unsigned vendor, unsigned devid, const char *name) {
    unsigned found = 0;
    *espdevs = NULL;
    for (unsigned pass = 0; pass < 2; ++pass) {
        unsigned n = 0;
        for (unsigned i = 0; i < esp_device_table_size; ++i) {
            const struct esp_device_info *d = &esp_device_table[i];
            const int by_id = d->vendor == vendor && d->id == devid;
            const int by_name = name && strcmp(name, d->compat) == 0;
            if (!by_id && !by_name) continue;
            if (pass == 1) {
                struct esp_device *e = &(*espdevs)[n];
                memset(e, 0, sizeof *e);
                e->vendor = d->vendor;
                e->id = d->id;
                e->number = n;
                e->irq = d->irq;
                e->addr = d->addr;
                e->compat = 1;
                strncpy(e->name, table_name(d, name), DEVNAME_MAX_LEN - 1);
                printf("[probe] %s.%u registered (tile %u '%s')\n", e->name, n, d->tile, d->tile_name);
                printf("        Address   : 0x%08llx\n", e->addr);
                if (d->id == SLD_L2_CACHE || d->id == SLD_LLC_CACHE)
                    printf("        Interrupt : none\n");
                else
                    printf("        Interrupt : %u (PLIC source %u)\n", e->irq, e->irq + 1);
            }
            ++n;
        }
        if (pass == 0) {
            found = n;
            if (!found) break;
            *espdevs = malloc(found * sizeof(struct esp_device));
            if (!*espdevs) {
                printf("[probe] cannot allocate %u device entries\n", found);
                return 0;
            }
        }
    }
    return (int)found;
}

unsigned ioread32(struct esp_device *dev, unsigned offset) {
    return *(volatile uint32_t *)(uintptr_t)(dev->addr + offset);
}

void iowrite32(struct esp_device *dev, unsigned offset, unsigned payload) {
    *(volatile uint32_t *)(uintptr_t)(dev->addr + offset) = payload;
}

/* One flush through a cache controller, waited for. */
static void controller_flush(struct esp_device *ctrl) {
    iowrite32(ctrl, ESP_CACHE_REG_CMD, 1u << ESP_CACHE_CMD_FLUSH_BIT);
    while (!(ioread32(ctrl, ESP_CACHE_REG_STATUS) & ESP_CACHE_STATUS_DONE_MASK)) {
    }
    iowrite32(ctrl, ESP_CACHE_REG_CMD, 0);
}

__attribute__((weak)) void esp_cache_flush(int coherence) {
    __asm__ volatile("fence rw, rw" ::: "memory");
#ifdef ESP_FLUSH_REG_ADDR
    *(volatile uint32_t *)(uintptr_t)(ESP_FLUSH_REG_ADDR) = (uint32_t)coherence;
#endif
    if (coherence == ACC_COH_NONE || coherence == ACC_COH_LLC) {
        const unsigned pid = (unsigned)get_pid();
        struct esp_device ctrl;
        memset(&ctrl, 0, sizeof ctrl);
        /* The private L2 of this hart first (it writes back into the LLC)... */
        for (unsigned i = 0; i < esp_device_table_size; ++i) {
            if (esp_device_table[i].vendor != VENDOR_CACHE || esp_device_table[i].id != DEVID_L2_CACHE) continue;
            ctrl.addr = esp_device_table[i].addr;
            const unsigned cpu =
                (ioread32(&ctrl, ESP_CACHE_REG_STATUS) & ESP_CACHE_STATUS_CPUID_MASK) >> ESP_CACHE_STATUS_CPUID_SHIFT;
            if (cpu == pid) controller_flush(&ctrl);
        }
        /* ... then, for non-coherent DMA, every LLC. */
        for (unsigned i = 0; coherence == ACC_COH_NONE && i < esp_device_table_size; ++i) {
            if (esp_device_table[i].vendor != VENDOR_CACHE || esp_device_table[i].id != DEVID_LLC_CACHE) continue;
            ctrl.addr = esp_device_table[i].addr;
            controller_flush(&ctrl);
        }
    }
    __asm__ volatile("fence\n\tfence.i" ::: "memory");
}

void esp_flush(int coherence) {
    const int mode = coherence >= ACC_COH_NONE && coherence <= ACC_COH_FULL ? coherence : ACC_COH_NONE;
    esp_cache_flush(mode);
}

int esp_tile_index(const struct esp_device *dev) {
    for (unsigned i = 0; i < esp_device_table_size; ++i)
        if (esp_device_table[i].addr == dev->addr) return (int)esp_device_table[i].tile;
    return -1;
}

int esp_tile_csr(int tile, struct esp_device *csr) {
#ifdef ESP_CSR_BASE
    if (tile < 0 || (unsigned)tile >= ESP_NUM_TILES) return -1;
    static const char *const tile_names[] = ESP_TILE_NAMES_INIT;
    memset(csr, 0, sizeof *csr);
    csr->vendor = VENDOR_SLD;
    csr->number = (unsigned)tile;
    csr->addr = ESP_CSR_BASE + (long long unsigned)tile * ESP_CSR_TILE_STRIDE;
    csr->compat = 1;
    snprintf(csr->name, DEVNAME_MAX_LEN, "%s.csr", tile_names[tile]);
    return 0;
#else
    (void)tile;
    (void)csr;
    return -1;
#endif
}

int esp_set_coherence(struct esp_device *dev, int coherence) {
    struct esp_device csr;
    if (coherence < ACC_COH_NONE || coherence > ACC_COH_FULL) return -1;
    if (esp_tile_csr(esp_tile_index(dev), &csr) != 0) return -1;
    iowrite32(&csr, COHERENCE_REG, (unsigned)coherence);
    return 0;
}

int esp_get_coherence(struct esp_device *dev) {
    struct esp_device csr;
    if (esp_tile_csr(esp_tile_index(dev), &csr) != 0) return -1;
    return (int)ioread32(&csr, COHERENCE_REG);
}

unsigned esp_plic_source(const struct esp_device *dev) { return dev->irq + 1; }
