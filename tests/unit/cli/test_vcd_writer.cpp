// The waveform writer of `run --waves` (sim/run/vcd_writer.hpp): records that
// arrive out of time order are written in order, the window opens on the true
// state, the gate pauses and resumes, the size limit cuts at a time stamp, and
// names follow GTKWave's.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/run/vcd_writer.hpp"

namespace edgebert::sim {
namespace {

std::string temp_file(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("edgebert_vcd_writer_" + name)).string();
}

std::string read(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// The lines after $enddefinitions.
std::vector<std::string> body(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text.substr(text.find("$enddefinitions $end\n") + 21));
    std::string line;
    while (std::getline(ss, line)) out.push_back(line);
    return out;
}

TEST(VcdWriter, WritesOutOfOrderRecordsInTimeOrderWithGtkwaveNames) {
    const std::string path = temp_file("order.vcd");
    {
        VcdWriter w(path, {});
        const int a = w.add("soc.tile.regs", "wr_addr", 16);
        const int b = w.add("soc.tile", "irq", 1);
        const int c = w.add("soc.noc.dma", "in_flight", 8);
        EXPECT_EQ(w.gtkwave_name(a), "soc.tile.regs.wr_addr[15:0]");
        EXPECT_EQ(w.gtkwave_name(b), "soc.tile.irq");
        w.set(a, 0, 0);
        w.set(b, 0, 0);
        w.set(c, 0, 0);
        w.add_to(c, 3000, 1);
        w.add_to(c, 9000, -1);  // the packet's tail, recorded before the events in between
        w.set(a, 5000, 4);
        w.set(b, 7000, 1);
        w.set(b, 7000, 0);  // a pulse inside one time stamp collapses
        w.set(b, 8000, 1);
        w.finish(10000);
        EXPECT_EQ(w.first_change_ps(c), 3000u);
        EXPECT_EQ(w.last_change_ps(c), 9000u);
        EXPECT_EQ(w.last_change_ps(b), 8000u);
    }
    const std::string text = read(path);
    EXPECT_NE(text.find("$timescale 1ps $end"), std::string::npos);
    EXPECT_NE(text.find("$scope module soc $end\n$scope module tile $end\n$var wire 1 \" irq $end"), std::string::npos);
    EXPECT_NE(text.find("$var wire 16 ! wr_addr [15:0] $end"), std::string::npos);
    const std::vector<std::string> want = {"#0", "$dumpvars", "b0 !", "0\"", "b0 #", "$end", "#3000", "b1 #",
                                           "#5000", "b100 !", "#8000", "1\"", "#9000", "b0 #", "#10000"};
    EXPECT_EQ(body(text), want);
    std::filesystem::remove(path);
}

TEST(VcdWriter, TheWindowOpensOnTheCurrentStateAndEndsAtItsEdge) {
    const std::string path = temp_file("window.vcd");
    VcdWriter::Options o;
    o.from_ps = 4000;
    o.to_ps = 8000;
    VcdWriter w(path, o);
    const int n = w.add("soc.noc.mmio", "packets", 32);
    for (uint64_t t = 1000; t <= 10000; t += 1000) w.add_to(n, t, 1);
    w.finish(20000);
    EXPECT_TRUE(w.wrote_any());
    EXPECT_EQ(w.first_ps(), 4000u);
    EXPECT_EQ(w.last_ps(), 8000u);
    // The count holds the events before the window: 4 at 4000 (1000..4000).
    const std::vector<std::string> want = {"#4000", "$dumpvars", "b100 !", "$end", "#5000", "b101 !",
                                           "#6000", "b110 !",    "#7000",  "b111 !", "#8000"};
    EXPECT_EQ(body(read(path)), want);
    std::filesystem::remove(path);
}

TEST(VcdWriter, AWindowAfterTheRunWritesNothing) {
    const std::string path = temp_file("empty.vcd");
    VcdWriter::Options o;
    o.from_ps = 50000;
    o.to_ps = 60000;
    VcdWriter w(path, o);
    const int v = w.add("soc", "x", 8);
    w.set(v, 100, 3);
    w.finish(20000);
    EXPECT_FALSE(w.wrote_any());
    EXPECT_TRUE(body(read(path)).empty());
    std::filesystem::remove(path);
}

TEST(VcdWriter, TheGatePausesAndResumesWithTheValuesThatChangedMeanwhile) {
    const std::string path = temp_file("gate.vcd");
    VcdWriter::Options o;
    o.gate_open = false;
    VcdWriter w(path, o);
    const int v = w.add("soc.program", "region", 8);
    const int x = w.add("soc.tile", "count", 8);
    w.set(v, 0, 0);
    w.set(x, 0, 0);
    w.set(v, 1000, 1);
    w.add_to(x, 1500, 1);  // before the gate opens: counted, not written
    w.set(v, 2000, 2);
    w.gate(2000, true);
    w.add_to(x, 2500, 1);
    w.set(v, 3000, 3);
    w.gate(3000, false);
    w.add_to(x, 3500, 1);
    w.set(v, 4000, 2);
    w.gate(4000, true);
    w.finish(5000);
    const std::vector<std::string> want = {"#2000", "$dumpvars", "b10 !", "b1 \"", "$end", "#2500", "b10 \"",
                                           "#3000",  // the gate closes: the state holds up to here
                                           "#4000", "b11 \"", "#5000"};
    EXPECT_EQ(body(read(path)), want);
    std::filesystem::remove(path);
}

TEST(VcdWriter, TheLimitCutsAtATimeStampAndSaysWhere) {
    const std::string path = temp_file("limit.vcd");
    VcdWriter::Options o;
    o.limit_bytes = 2000;
    VcdWriter w(path, o);
    const int v = w.add("soc", "counter", 32);
    for (uint64_t t = 0; t < 1000; ++t) {
        w.set(v, t * 1000, t);
        w.advance(t * 1000);
    }
    w.finish(1'000'000);
    EXPECT_TRUE(w.capped());
    EXPECT_GT(w.cut_ps(), 0u);
    EXPECT_LT(w.cut_ps(), 1'000'000u);
    EXPECT_LE(std::filesystem::file_size(path), 2000u);
    EXPECT_EQ(w.bytes(), std::filesystem::file_size(path));
    EXPECT_EQ(body(read(path)).back(), "#" + std::to_string(w.cut_ps()));
    std::filesystem::remove(path);
}

TEST(VcdWriter, ARecordLaterThanTheWrittenTimeLandsAtTheEarliestUnwrittenTime) {
    const std::string path = temp_file("late.vcd");
    VcdWriter::Options o;
    o.slack_ps = 0;
    VcdWriter w(path, o);
    const int v = w.add("soc", "x", 4);
    w.set(v, 0, 0);
    w.set(v, 100, 1);
    w.advance(1'000'000);  // writes everything before 1 us
    w.set(v, 500, 2);      // arrives late
    w.finish(2'000'000);
    EXPECT_EQ(w.late_records(), 1u);
    const auto lines = body(read(path));
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[lines.size() - 3], "#1000000");
    EXPECT_EQ(lines[lines.size() - 2], "b10 !");
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace edgebert::sim
