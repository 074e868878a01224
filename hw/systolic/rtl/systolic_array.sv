// Systolic-array baseline of the EdgeBERT-class SoC: an N x N output-stationary
// array of INT8 multiply-accumulate PEs with INT32 accumulators.
//
// What one call computes (C is M x NC, A is M x K, B is K x NC):
//     C_out[i][j] = sat32( ... sat32(sat32(C0[i][j] + A[i][0]*B[0][j]) + A[i][1]*B[1][j]) ... )
// with C0 = C_in (accumulate = 1) or 0, the products added in increasing k and
// the accumulator saturated to [-2^31, 2^31 - 1] after EVERY step (it never
// wraps). Operands and results are raw integers: per-tensor scales are NOT
// applied here; the CPU dequantises the INT32 results (and, for products larger
// than one call, adds the partial sums of several calls).
//
// Limits: 1 <= M, NC <= N and 1 <= K <= KMAX (default KMAX = N, so one call is at
// most an N x N by N x N product). Other values are a protocol violation; the
// tile wrapper refuses them before they reach the array.
//
// Dataflow (output stationary): PE(i,j) owns C[i][j]. Slice k of the operands
// (column k of A, row k of B) is read from the operand buffers in one cycle.
// A[i][k] enters row i from the west after a skew of i registers and moves one
// PE east per cycle; B[k][j] enters column j from the north after a skew of j
// registers and moves one PE south per cycle, so both meet in PE(i,j) in cycle
// (k + 1) + i + j of the feed. A valid bit travels east with A.
//
// The accumulators double as two shift chains: C_in rows are preloaded by
// shifting rows south from the north edge (row M-1 first), and results leave by
// shifting rows north out of row 0 (row 0 first), one 32 x N-bit row per cycle.
//
// Buffer ports: the operand, C_in and C_out buffers are synchronous SRAMs
// outside the array. A read request (*_rd_en with its address) sampled at a
// rising edge returns data on a_col/b_row/cin_row during the next cycle; a write
// request (cout_wr_en, cout_wr_row, cout_row) is stored at the rising edge that
// samples it. Operand word k: a_col[8i+7:8i] = A[i][k], b_row[8j+7:8j] = B[k][j];
// C rows: cin_row/cout_row[32j+31:32j] = C[row][j]. Lanes beyond M / NC are
// don't-care (their PEs compute values nobody reads).
//
// Timing (cycles counted from the edge that samples `start`, inclusive, to the
// edge that raises `done`, inclusive; docs in hw/systolic/README.md):
//     1                      start (accumulators cleared unless accumulate)
//   + M          if accumulate: C_in rows M-1..0 read and shifted in
//   + K                      operand slices 0..K-1 read
//   + M + NC - 1             skew/drain: the last slice reaches PE(M-1, NC-1)
//   + M                      result rows 0..M-1 shifted out and written
//   = K + NC + 2M (+ M with accumulate). N does not appear: every counter stops
//     at the programmed dimensions, so the call costs the same on any array
//     that holds it.
module systolic_array #(
    parameter int N = 32,       // PEs per side (>= 2)
    parameter int KMAX = N,     // longest reduction (K) of one call
    localparam int DW = $clog2(N + 1),          // width of dim_m / dim_n
    localparam int KDW = $clog2(KMAX + 1),      // width of dim_k
    localparam int RAW = (N > 1) ? $clog2(N) : 1,        // C row address
    localparam int KAW = (KMAX > 1) ? $clog2(KMAX) : 1   // operand word address
) (
    input  logic            clk,
    input  logic            rst_n,        // synchronous, active low

    // Command: sampled with `start` while idle.
    input  logic            start,
    input  logic            accumulate,   // 1: preload the accumulators from C_in
    input  logic [DW-1:0]   dim_m,        // rows of A and C
    input  logic [DW-1:0]   dim_n,        // columns of B and C
    input  logic [KDW-1:0]  dim_k,        // columns of A = rows of B
    output logic            busy,         // a call is running
    output logic            done,         // one-cycle pulse after the last result write

    // Operand buffers (A stored by columns, B by rows): word k.
    output logic            op_rd_en,
    output logic [KAW-1:0]  op_rd_k,
    input  logic [N*8-1:0]  a_col,
    input  logic [N*8-1:0]  b_row,

    // C_in buffer: row cin_rd_row.
    output logic            cin_rd_en,
    output logic [RAW-1:0]  cin_rd_row,
    input  logic [N*32-1:0] cin_row,

    // C_out buffer: row cout_wr_row.
    output logic            cout_wr_en,
    output logic [RAW-1:0]  cout_wr_row,
    output logic [N*32-1:0] cout_row
);
    // Counter wide enough for K - 1, M - 1 and M + NC - 2.
    localparam int CMAX = (KMAX > 2 * N) ? KMAX : 2 * N;
    localparam int CW = $clog2(CMAX + 1);

    // ------------------------------------------------------------------ control
    typedef enum logic [2:0] {
        S_IDLE,
        S_LOAD,    // read C_in rows (accumulate only)
        S_FEED,    // read operand slices
        S_DRAIN,   // wait for the last slice to reach PE(M-1, NC-1)
        S_STORE    // shift result rows out
    } state_e;

    state_e          state;
    logic [CW-1:0]   cnt;
    logic [DW-1:0]   m_q, n_q;
    logic [KDW-1:0]  k_q;
    logic            op_vld;     // operand slice on a_col/b_row this cycle
    logic            cin_vld;    // C_in row on cin_row this cycle

    logic [CW-1:0]   m_last, k_last, drain_last;
    assign m_last = CW'(m_q) - CW'(1);
    assign k_last = CW'(k_q) - CW'(1);
    assign drain_last = CW'(m_q) + CW'(n_q) - CW'(2);

    always_ff @(posedge clk) begin
        if (!rst_n) begin
            state <= S_IDLE;
            cnt <= '0;
            m_q <= '0;
            n_q <= '0;
            k_q <= '0;
            done <= 1'b0;
            op_vld <= 1'b0;
            cin_vld <= 1'b0;
        end else begin
            done <= 1'b0;
            op_vld <= (state == S_FEED);
            cin_vld <= (state == S_LOAD);
            case (state)
                S_IDLE:
                    if (start) begin
                        m_q <= dim_m;
                        n_q <= dim_n;
                        k_q <= dim_k;
                        cnt <= '0;
                        state <= accumulate ? S_LOAD : S_FEED;
                    end
                S_LOAD:
                    if (cnt == m_last) begin
                        cnt <= '0;
                        state <= S_FEED;
                    end else begin
                        cnt <= cnt + CW'(1);
                    end
                S_FEED:
                    if (cnt == k_last) begin
                        cnt <= '0;
                        state <= S_DRAIN;
                    end else begin
                        cnt <= cnt + CW'(1);
                    end
                S_DRAIN:
                    if (cnt == drain_last) begin
                        cnt <= '0;
                        state <= S_STORE;
                    end else begin
                        cnt <= cnt + CW'(1);
                    end
                S_STORE:
                    if (cnt == m_last) begin
                        cnt <= '0;
                        state <= S_IDLE;
                        done <= 1'b1;
                    end else begin
                        cnt <= cnt + CW'(1);
                    end
                default: state <= S_IDLE;
            endcase
        end
    end

    // Broadcast accumulator controls.
    logic clear, load, unload;
    assign clear = (state == S_IDLE) && start && !accumulate;
    assign load = cin_vld;
    assign unload = (state == S_STORE);

    assign busy = (state != S_IDLE);
    assign op_rd_en = (state == S_FEED);
    assign op_rd_k = KAW'(cnt);
    assign cin_rd_en = (state == S_LOAD);
    assign cin_rd_row = RAW'(m_last - cnt);   // rows M-1 .. 0
    assign cout_wr_en = unload;
    assign cout_wr_row = RAW'(cnt);           // rows 0 .. M-1

    // ------------------------------------------------------------ edge skew
    // Row i of A and column i of B enter the array i cycles late. Word s of the
    // history holds the operand slice of s + 1 cycles ago and lane i takes its
    // byte from word i - 1 (synthesis drops the bytes no lane reads, leaving the
    // usual triangle of skew registers).
    logic [N-2:0][N*8-1:0] a_hist, b_hist;
    logic [N-2:0]          v_hist;

    always_ff @(posedge clk) begin
        a_hist[0] <= a_col;
        b_hist[0] <= b_row;
        for (int s = 1; s < N - 1; s++) begin
            a_hist[s] <= a_hist[s-1];
            b_hist[s] <= b_hist[s-1];
        end
    end

    always_ff @(posedge clk) begin
        if (!rst_n) begin
            v_hist <= '0;
        end else begin
            v_hist[0] <= op_vld;
            for (int s = 1; s < N - 1; s++) v_hist[s] <= v_hist[s-1];
        end
    end

    // What enters the array this cycle: A into column 0 of row i, B into row 0
    // of column j, and the valid bit that travels east with A.
    logic [N-1:0][7:0] a_edge, b_edge;
    logic [N-1:0]      v_edge;
    always_comb begin
        a_edge[0] = a_col[7:0];
        b_edge[0] = b_row[7:0];
        v_edge[0] = op_vld;
        for (int i = 1; i < N; i++) begin
            a_edge[i] = a_hist[i-1][8*i +: 8];
            b_edge[i] = b_hist[i-1][8*i +: 8];
            v_edge[i] = v_hist[i-1];
        end
    end

    // ------------------------------------------------------------ PE grid
    // PE(i,j) is element [i][j] of the registers below; the loops replicate
    // its logic N x N times. Each PE registers the A operand it passes east
    // (a_q), the B operand it passes south (b_q), the valid bit travelling with
    // A (v_q) and its accumulator (acc_q). Its inputs are its west neighbour's
    // a_q / v_q (column 0: the skewed edge) and its north neighbour's b_q (row
    // 0: the edge). Per cycle the accumulator takes, by priority:
    //   0                          clear   (start without accumulate)
    //   north neighbour's acc_q    load    (row 0: cin_row; C_in preload)
    //   south neighbour's acc_q    unload  (row N-1: 0; result read-out)
    //   sat32(acc_q + a * b)       the PE's valid input
    //   acc_q                      otherwise
    //
    // Coding style: the registers are packed vectors and the whole grid is one
    // clocked process, so the simulator evaluates the N x N MACs once per rising
    // edge and never for input-only changes.
    logic [N-1:0][N-1:0][7:0]  a_q;
    logic [N-1:0][N-1:0][7:0]  b_q;
    logic [N-1:0][N-1:0]       v_q;
    logic [N-1:0][N-1:0][31:0] acc_q;

    // One saturating MAC step: the exact sum needs 33 bits; it overflowed iff
    // its two top bits differ, and then it clamps to the limit on its sign side.
    function automatic logic [31:0] sat_mac(input logic signed [31:0] acc,
                                            input logic signed [7:0] a,
                                            input logic signed [7:0] b);
        logic signed [15:0] prod;
        logic signed [32:0] sum;
        prod = 16'(a) * 16'(b);
        sum = 33'(acc) + 33'(prod);
        if (sum[32] != sum[31]) return sum[32] ? 32'h8000_0000 : 32'h7FFF_FFFF;
        return sum[31:0];
    endfunction

    always_ff @(posedge clk) begin
        for (int i = 0; i < N; i++) a_q[i] <= {a_q[i][N-2:0], a_edge[i]};   // one PE east
        b_q <= {b_q[N-2:0], b_edge};                                         // one PE south
        for (int i = 0; i < N; i++) begin
            for (int j = 0; j < N; j++) begin
                if (clear) acc_q[i][j] <= '0;
                else if (load) acc_q[i][j] <= (i == 0) ? cin_row[32*j +: 32] : acc_q[i-1][j];
                else if (unload) acc_q[i][j] <= (i == N - 1) ? '0 : acc_q[i+1][j];
                else if ((j == 0) ? v_edge[i] : v_q[i][j-1])
                    acc_q[i][j] <= sat_mac(acc_q[i][j], (j == 0) ? a_edge[i] : a_q[i][j-1],
                                           (i == 0) ? b_edge[j] : b_q[i-1][j]);
            end
        end
    end

    always_ff @(posedge clk) begin
        if (!rst_n) v_q <= '0;
        else for (int i = 0; i < N; i++) v_q[i] <= {v_q[i][N-2:0], v_edge[i]};
    end

    // Row 0 is the read-out port.
    assign cout_row = acc_q[0];

    // Per-PE views for waveforms and C++ debuggers (no logic): the accumulator
    // of PE(i,j) and the valid bit it passes east (high the cycle after a MAC).
    logic signed [31:0] pe_acc [N][N] /*verilator public_flat_rd*/;
    logic               pe_valid [N][N] /*verilator public_flat_rd*/;
    always_comb begin
        for (int i = 0; i < N; i++) begin
            for (int j = 0; j < N; j++) begin
                pe_acc[i][j] = acc_q[i][j];
                pe_valid[i][j] = v_q[i][j];
            end
        end
    end
endmodule
