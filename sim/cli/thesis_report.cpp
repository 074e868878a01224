#include "sim/cli/thesis_report.hpp"

#include <fmt/format.h>

#include <iostream>

namespace edgebert::cli {

namespace {

const char* const kCategories[] = {"register", "read",   "write",     "compute",    "malloc",
                                   "memset",   "transpose", "cpu_compute", "flush"};
const char* const kThesisModules[] = {"attention", "post_processing", "ffn"};

uint64_t u(const boost::json::value& v) { return v.as_uint64(); }

double ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

}  // namespace

boost::json::object thesis_summary(const boost::json::object& targets, const sim::RunResult* edgebert,
                                   bool projection) {
    boost::json::object s;
    s["published"] = {{"edgebert_vs_cpu", kPublishedEdgebertVsCpu},
                      {"edgebert_vs_systolic", kPublishedEdgebertVsSystolic}};
    auto total = [&](const char* t) { return double(u(targets.at(t).as_object().at("total_cycles"))); };
    const bool eb = targets.contains("edgebert"), cpu = targets.contains("cpu"), sys = targets.contains("systolic");
    boost::json::object measured;
    if (eb && cpu) measured["edgebert_vs_cpu"] = ratio(total("cpu"), total("edgebert"));
    if (eb && sys) measured["edgebert_vs_systolic"] = ratio(total("systolic"), total("edgebert"));
    s["measured"] = measured;
    if (projection && eb && edgebert) {
        // The study timed one reference transfer of 2M words per direction and
        // scaled it by each operand's words (m n / 8 + m n / 16).
        const auto& d = edgebert->thesis_dma;
        const double per_word_read = double(d.ref_read_cycles) / (2.0 * kProjectionM);
        const double per_word_write = double(d.ref_write_cycles) / (2.0 * kProjectionM);
        const auto& bc = targets.at("edgebert").as_object().at("by_category").as_object();
        const auto& bm = targets.at("edgebert").as_object().at("by_module").as_object();
        const double read = double(u(bc.at("read"))), write = double(u(bc.at("write")));
        const double reference = double(u(bm.at("embedding")));  // the reference transfers' own region
        const double proj_read = per_word_read * double(d.words_read);
        const double proj_write = per_word_write * double(d.words_written);
        const double proj_total = total("edgebert") - reference - read - write + proj_read + proj_write;
        boost::json::object p;
        p["m"] = kProjectionM;
        p["reference_read_cycles"] = d.ref_read_cycles;
        p["reference_write_cycles"] = d.ref_write_cycles;
        p["words_read"] = d.words_read;
        p["words_written"] = d.words_written;
        p["measured_read_cycles"] = read;
        p["measured_write_cycles"] = write;
        p["projected_read_cycles"] = proj_read;
        p["projected_write_cycles"] = proj_write;
        p["reference_region_cycles"] = reference;
        p["projected_total_cycles"] = proj_total;
        if (cpu) p["edgebert_vs_cpu"] = ratio(total("cpu"), proj_total);
        if (sys) p["edgebert_vs_systolic"] = ratio(total("systolic"), proj_total);
        s["silicon_dma_projection"] = p;
    }
    return s;
}

void print_thesis_tables(const boost::json::object& targets, const boost::json::object& summary) {
    std::cout << "\npublished breakdown per module (cycles)\n";
    std::cout << fmt::format("{:<10} {:<16}", "target", "module");
    for (const char* c : kCategories) std::cout << fmt::format(" {:>11}", c);
    std::cout << fmt::format(" {:>12}\n", "total");
    for (const auto& [name, jv] : targets) {
        const auto& bmc = jv.as_object().at("by_module_category").as_object();
        for (const char* m : kThesisModules) {
            const auto& row = bmc.at(m).as_object();
            uint64_t sum = 0;
            std::cout << fmt::format("{:<10} {:<16}", std::string(name), m);
            for (const char* c : kCategories) {
                sum += u(row.at(c));
                std::cout << fmt::format(" {:>11}", u(row.at(c)));
            }
            std::cout << fmt::format(" {:>12}\n", sum);
        }
    }
    const auto& meas = summary.at("measured").as_object();
    std::cout << "\n";
    if (meas.contains("edgebert_vs_cpu"))
        std::cout << fmt::format("EdgeBERT vs CPU:      {:8.2f}x   (published, silicon: {}x)\n",
                                 meas.at("edgebert_vs_cpu").as_double(), kPublishedEdgebertVsCpu);
    if (meas.contains("edgebert_vs_systolic"))
        std::cout << fmt::format("EdgeBERT vs systolic: {:8.2f}x   (published: about {}x)\n",
                                 meas.at("edgebert_vs_systolic").as_double(), kPublishedEdgebertVsSystolic);
    if (summary.contains("silicon_dma_projection")) {
        const auto& p = summary.at("silicon_dma_projection").as_object();
        std::cout << fmt::format(
            "silicon DMA projection (read/write scaled from a {}-word reference transfer): EdgeBERT {:.0f} cycles "
            "(read {:.0f} -> {:.0f}, write {:.0f} -> {:.0f})\n",
            2 * kProjectionM, p.at("projected_total_cycles").as_double(), p.at("measured_read_cycles").as_double(),
            p.at("projected_read_cycles").as_double(), p.at("measured_write_cycles").as_double(),
            p.at("projected_write_cycles").as_double());
        if (p.contains("edgebert_vs_cpu"))
            std::cout << fmt::format("  with the projection: EdgeBERT vs CPU {:.2f}x", p.at("edgebert_vs_cpu").as_double());
        if (p.contains("edgebert_vs_systolic"))
            std::cout << fmt::format(", vs systolic {:.2f}x", p.at("edgebert_vs_systolic").as_double());
        std::cout << "\n";
    }
}

}  // namespace edgebert::cli
