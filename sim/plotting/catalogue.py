"""The words on charts and slides, in English and Simplified Chinese: every text by key, and the
Chinese for KPIs and for the words contact types are named with (read through
:mod:`sim.plotting.labels`)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- shared --------------------------------------------------------------------------------
    "source": (
        "Source: service-desk simulation · scenario {scenario} · {replications} replications · "
        "{level:.0%} CI · {date}",
        "来源：服务台仿真 · 情景 {scenario} · {replications} 次重复运行 · {level:.0%} 置信区间 · "
        "{date}",
    ),
    "source_model": (
        "Source: moments-of-truth model (sim.model.satisfaction) · parameters of scenario "
        "{scenario} · {date}",
        "来源：关键时刻模型（sim.model.satisfaction）· 情景 {scenario} 的参数 · {date}",
    ),
    "ci_band": (
        "shaded: {level:.0%} CI across replications",
        "阴影：各次重复运行的 {level:.0%} 置信区间",
    ),
    "ci_whiskers": (
        "whiskers: {level:.0%} CI across replications",
        "误差线：各次重复运行的 {level:.0%} 置信区间",
    ),
    "ci": ("{level:.0%} CI", "{level:.0%} 置信区间"),
    "target": ("target {value}", "目标 {value}"),
    "limit": ("limit {value}", "上限 {value}"),
    "time_of_day": ("Time of day (hh:mm)", "时段（时:分）"),
    "date": ("Date", "日期"),
    "separator": ("; ", "；"),
    "range": ("{low} to {high}", "{low} 至 {high}"),
    "colon": ("{name}: {value}", "{name}：{value}"),
    "closed": ("closed", "休息"),
    "weekday.mon": ("Mon", "周一"),
    "weekday.tue": ("Tue", "周二"),
    "weekday.wed": ("Wed", "周三"),
    "weekday.thu": ("Thu", "周四"),
    "weekday.fri": ("Fri", "周五"),
    "weekday.sat": ("Sat", "周六"),
    "weekday.sun": ("Sun", "周日"),
    "day.weekday": ("Mon–Fri", "周一至周五"),
    "day.saturday": ("Saturday", "周六"),
    "day.sunday": ("Sunday", "周日"),
    # --- intraday service level ----------------------------------------------------------------
    "intraday_sl.title": ("Service level through the day", "日内服务水平"),
    "service_level_axis": (
        "Service level (% answered within {threshold:g} s)",
        "服务水平（{threshold:g} 秒内接听的百分比）",
    ),
    # --- intraday staffing ---------------------------------------------------------------------
    "staffing.title": (
        "Agents and queue through the day ({day_type})",
        "日内坐席与排队（{day_type}）",
    ),
    "staffing.agents_axis": ("Front-line agents (agents)", "一线坐席（人）"),
    "staffing.queue_axis": ("Phone queue (callers waiting)", "电话排队（等待人数）"),
    "staffing.paid": ("Rostered (paid)", "排班（计薪）"),
    "staffing.available": (
        "Available after {shrinkage:.0%} shrinkage",
        "扣除 {shrinkage:.0%} 损耗后可用",
    ),
    "staffing.present": ("Present", "在岗"),
    "staffing.busy": ("Busy (talk and wrap-up)", "忙碌（通话与话后处理）"),
    "staffing.queue": ("Queue (right axis)", "排队（右轴）"),
    # --- daily service ------------------------------------------------------------------------
    "daily.title": ("Service level and abandonment by day", "每日服务水平与放弃率"),
    "daily.service_level_axis": ("Service level (%)", "服务水平（%）"),
    "daily.abandon_axis": ("Abandoned (%)", "放弃率（%）"),
    "daily.service_level": (
        "Service level (answered within {threshold:g} s)",
        "服务水平（{threshold:g} 秒内接听）",
    ),
    "daily.abandon_rate": ("Abandonment rate", "放弃率"),
    # --- complaint funnel ----------------------------------------------------------------------
    "funnel.title": (
        "Complaint funnel: what dissatisfied customers do",
        "投诉漏斗：不满意客户的去向",
    ),
    "funnel.axis": (
        "Customers or complaints over the horizon (count)",
        "仿真期内客户数或投诉数（个）",
    ),
    "funnel.group.voice": ("Voice or exit", "表达或离开"),
    "funnel.group.handling": ("Complaint handling", "投诉处理"),
    "funnel.group.outcome": ("Outcome", "结果"),
    "stage.dissatisfied": ("Dissatisfied customers", "不满意客户"),
    "stage.silent": ("Stayed silent", "保持沉默"),
    "stage.silent_leaving": ("Silent and leaving", "沉默并离开"),
    "stage.complained_front_line": ("Complained to the front line", "向一线投诉"),
    "stage.complained_management": ("Complained to management", "向管理层投诉"),
    "stage.complained_to_nobody": ("Complained to nobody at the firm", "未向公司投诉"),
    "stage.complaints": ("Complaints received", "收到的投诉"),
    "stage.complaints_from_service": ("… about the desk's service", "……关于服务台服务"),
    "stage.complaints_outside_desk": ("… about other things", "……关于其他问题"),
    "stage.resolved_on_time": ("Resolved within the standard", "在标准时限内解决"),
    "stage.resolved_late": ("Resolved late", "超时解决"),
    "stage.never_resolved": ("Never resolved", "始终未解决"),
    "stage.open_at_horizon": ("Still open at the end", "期末仍未结案"),
    "stage.complainants_retained": ("Complainants retained", "挽留的投诉客户"),
    "stage.complainants_lost": ("Complainants lost", "流失的投诉客户"),
    "stage.leaving_at_horizon": ("Decided to leave, not yet gone", "已决定离开、尚未销户"),
    # --- customer base -------------------------------------------------------------------------
    "customers.title": ("Customer base over the horizon", "仿真期内的客户基数"),
    "customers.active_axis": ("Customers\n(accounts)", "客户\n（户）"),
    "customers.lost_axis": ("Lost, cumulative\n(accounts)", "累计流失\n（户）"),
    "customers.active": ("Customers (not leaving)", "客户（未决定离开）"),
    "customers.total_lost": ("All reasons (total)", "全部原因（合计）"),
    "reason.died": ("Died", "去世"),
    "reason.moved": ("Moved away", "搬迁"),
    "reason.natural_turnover": ("Natural turnover", "自然流失"),
    "reason.friend_advice": ("Friend's advice", "听从亲友建议"),
    "reason.price": ("Price", "价格"),
    "reason.indifference": ("Indifference (service)", "被怠慢（服务）"),
    "reason.poor_recovery": ("Poor complaint recovery (service)", "投诉补救不力（服务）"),
    # --- KPI comparison ------------------------------------------------------------------------
    "compare.title": (
        "Scenarios compared: mean and {level:.0%} CI",
        "情景对比：均值与 {level:.0%} 置信区间",
    ),
    # --- response curves -----------------------------------------------------------------------
    "response.title": (
        "Moments of truth: how waiting moves satisfaction",
        "关键时刻：等待如何影响满意度",
    ),
    "response.wait_axis": ("Phone wait (min)", "电话等待时间（分钟）"),
    "response.score_axis": ("Moment score (−1 to +1)", "关键时刻得分（−1 至 +1）"),
    "response.impact_axis": ("Change in satisfaction (points)", "满意度变化（分）"),
    "response.score_panel": ("Score of one contact", "单次接触的得分"),
    "response.impact_panel": (
        "Impact: bad moments weigh {weight:g}×",
        "影响：负面时刻权重为 {weight:g} 倍",
    ),
    "response.resolved": ("Answered, resolved", "接通并解决"),
    "response.unresolved": ("Answered, not resolved", "接通但未解决"),
    "response.abandoned": ("Hung up while waiting", "等待中挂断"),
    "response.expected": ("Expected wait ({seconds:g} s)", "预期等待（{seconds:g} 秒）"),
    "kpi.within_target": ("{item} answered within target", "{item}按时响应率"),
    "kpi.defections_group": ("lost: {item}", "流失：{item}"),
    "kpi.funnel_group": ("funnel: {item}", "漏斗：{item}"),
    "kpi.service_level_by_type_group": ("service level, {item}", "服务水平：{item}"),
    "kpi.abandon_rate_by_type_group": ("abandonment rate, {item}", "放弃率：{item}"),
    "kpi.asa_s_by_type_group": ("average speed of answer, {item}", "平均应答速度：{item}"),
    "kpi.occupancy_by_group_group": ("occupancy, {item}", "占用率：{item}"),
    "kpi.served_group": ("answered: {item}", "接听：{item}"),
    "unit.s": ("s", "秒"),
    "unit.h": ("h", "小时"),
    "unit.callers": ("callers", "人"),
    "unit.count": ("count", "个"),
    "unit.money": ("money", "金额"),
    # --- deck ----------------------------------------------------------------------------------
    "deck.subtitle": (
        "Service-desk simulation · {replications} replications · {level:.0%} confidence "
        "intervals · {date}",
        "服务台仿真 · {replications} 次重复运行 · {level:.0%} 置信区间 · {date}",
    ),
    "deck.assumptions": ("Key assumptions", "主要假设"),
    "deck.kpi_table": (
        "Headline KPIs with {level:.0%} confidence intervals",
        "主要指标及其 {level:.0%} 置信区间",
    ),
    "deck.col.kpi": ("KPI", "指标"),
    "deck.col.mean": ("Mean", "均值"),
    "deck.col.target": ("Target", "目标"),
    "deck.col.status": ("Status", "状态"),
    "status.met": ("met", "达标"),
    "status.not met": ("not met", "未达标"),
    "status.inconclusive": ("inconclusive", "尚无定论"),
    "status.no data": ("no data", "无数据"),
    "assume.horizon": ("Horizon", "仿真期"),
    "assume.horizon_value": (
        "{days} days from {start} (interval {interval} min)",
        "自 {start} 起 {days} 天（时段 {interval} 分钟）",
    ),
    "assume.hours": ("Opening hours", "营业时间"),
    "assume.tier1": ("Front-line agents", "一线坐席"),
    "assume.tier2": ("Tier-2 agents", "二线坐席"),
    "assume.agents_value": (
        "{paid_low}–{paid_high} rostered (paid) per interval; {low}–{high} available after "
        "{shrinkage:.0%} shrinkage",
        "每时段排班（计薪）{paid_low}–{paid_high} 人；"
        "扣除 {shrinkage:.0%} 损耗后可用 {low}–{high} 人",
    ),
    "assume.demand": ("Demand per open day", "每个营业日的需求"),
    "assume.demand_value": (
        "{phone:,.0f} calls and {email:,.0f} emails on average",
        "平均来电 {phone:,.0f} 个、邮件 {email:,.0f} 封",
    ),
    "assume.customers": ("Customer base", "客户基数"),
    "assume.customers_value": ("{accounts:,} accounts", "{accounts:,} 户"),
    "assume.no_customers": ("not simulated", "未仿真"),
    "assume.recovery": ("Complaint recovery", "投诉补救"),
    "assume.target_h": ("{hours:g}-hour target", "{hours:g} 小时目标"),
    "assume.jump_queue": ("complaints answered first", "投诉优先接听"),
    "assume.escalate": ("overdue complaints escalated", "逾期投诉自动升级"),
    "assume.compensation": ("compensation {amount}", "补偿 {amount}"),
    "recovery.none": ("no recovery policy", "无补救政策"),
    "recovery.standard": ("standard", "标准"),
    "recovery.fast_track": ("fast track", "快速通道"),
    "recovery.empowered_front_line": ("empowered front line", "一线授权"),
    "recovery.proactive_follow_up": ("proactive follow-up", "主动回访"),
    "assume.service_level": ("Service-level standard", "服务水平标准"),
    "assume.service_level_value": (
        "{target:.0%} of calls answered within {threshold:g} s; abandonment at most {abandon:.0%}",
        "{target:.0%} 的来电在 {threshold:g} 秒内接听；放弃率不高于 {abandon:.0%}",
    ),
    "assume.simulation": ("Simulation", "仿真设置"),
    "assume.simulation_value": (
        "{replications} replications, seed {seed}",
        "{replications} 次重复运行，随机种子 {seed}",
    ),
    # --- takeaways (one line under each chart's slide) ----------------------------------------
    "take.service_level": (
        "Service level {estimate}, target {target}: {status}; weakest interval {when} ({worst})",
        "服务水平 {estimate}，目标 {target}：{status}；最弱时段 {when}（{worst}）",
    ),
    "take.staffing": (
        "Front-line occupancy {estimate}; longest queue {queue:.1f} callers at {when}, with "
        "{paid} agents rostered (paid), {available} available after shrinkage",
        "一线坐席占用率 {estimate}；{when} 排队最长，平均 {queue:.1f} 人，"
        "该时段排班（计薪）{paid} 人、扣除损耗后可用 {available} 人",
    ),
    "take.daily": (
        "Abandonment {estimate}, limit {limit}: {status}; service level under target on "
        "{short} of {days} days",
        "放弃率 {estimate}，上限 {limit}：{status}；{days} 天中有 {short} 天服务水平未达标",
    ),
    "take.funnel": (
        "{silent:.0%} of {dissatisfied:,.0f} dissatisfied customers stay silent; "
        "complainants retained {retention}",
        "{dissatisfied:,.0f} 位不满意客户中 {silent:.0%} 保持沉默；投诉客户挽留率 {retention}",
    ),
    "take.customers": (
        "{lost:,.0f} customers lost ({service:.0%} to service); {start:,.0f} → {end}",
        "流失客户 {lost:,.0f} 户（{service:.0%} 因服务）；{start:,.0f} → {end}",
    ),
    "take.response": (
        "A {wait:g}-minute wait costs as much satisfaction as {answers:.0f} fast answers earn",
        "等待 {wait:g} 分钟造成的满意度损失，相当于 {answers:.0f} 次快速接听带来的提升",
    ),
    # --- speaker notes (the numbers behind each takeaway) -------------------------------------
    "note.numbers": ("The numbers behind the takeaway:", "结论背后的数据："),
    "note.intervals": (
        "Means over {replications} replications with {level:.0%} confidence intervals "
        "(Student t across replications).",
        "{replications} 次重复运行的均值及 {level:.0%} 置信区间（各次重复运行间的 t 分布）。",
    ),
    "note.target": ("Target {target}: {status}", "目标 {target}：{status}"),
    "note.limit": ("Limit {limit}: {status}", "上限 {limit}：{status}"),
    "note.status": (
        "Met: the whole confidence interval is on the right side of the target; not met: wholly "
        "on the wrong side; inconclusive: the interval straddles the target.",
        "达标：置信区间完全位于目标的达标一侧；未达标：完全位于另一侧；尚无定论：区间跨越目标。",
    ),
    "note.weakest": ("Weakest interval, {when}", "最弱时段，{when}"),
    "note.queue": ("Longest phone queue, {when}", "最长电话排队，{when}"),
    "note.roster_then": (
        "At that time: {paid} agents rostered (paid), {available} available after "
        "{shrinkage:.0%} shrinkage, {present} present on average",
        "该时段：排班（计薪）{paid} 人，扣除 {shrinkage:.0%} 损耗后可用 {available} 人，"
        "平均在岗 {present} 人",
    ),
    "note.roster_day": (
        "Through the day ({day_type}): {paid_low}–{paid_high} rostered (paid), {low}–{high} "
        "available after shrinkage",
        "全天（{day_type}）：排班（计薪）{paid_low}–{paid_high} 人，扣除损耗后可用 {low}–{high} 人",
    ),
    "note.days_short": (
        "Days with the service level under target: {short} of {days}",
        "服务水平未达标的天数：{days} 天中 {short} 天",
    ),
    "note.silent_share": (
        "Dissatisfied customers who stay silent: {share:.0%}",
        "保持沉默的不满意客户：{share:.0%}",
    ),
    "note.service_share": ("Lost to service: {share:.0%} of those lost", "因服务流失：{share:.0%}"),
    "note.model": (
        "A model curve from the scenario's parameters: no replications, so no confidence interval.",
        "由情景参数计算的模型曲线：没有重复运行，因此没有置信区间。",
    ),
    "note.response": (
        "Change in satisfaction after a {wait:g}-minute wait (answered, resolved): {loss} "
        "points; after an answer at once: {gain} points; bad moments weigh {weight:g}×",
        "等待 {wait:g} 分钟（接通并解决）后的满意度变化：{loss} 分；立即接听：{gain} 分；"
        "负面时刻权重为 {weight:g} 倍",
    ),
    # --- charts comparing policies -------------------------------------------------------------
    "policy.sl_title": (
        "Service level through the day by staffing policy ({day_type})",
        "各排班方案的日内服务水平（{day_type}）",
    ),
    "policy.roster_title": (
        "Front-line agents by staffing policy ({day_type})",
        "各排班方案的一线坐席（{day_type}）",
    ),
    "policy.paid_style": ("dashed: rostered (paid)", "虚线：排班（计薪）"),
    "policy.available_style": ("solid: available after shrinkage", "实线：扣除损耗后可用"),
    "policy.present_band": (
        "shaded: agents present, {level:.0%} CI",
        "阴影：在岗坐席，{level:.0%} 置信区间",
    ),
    "policy.frontier": ("Efficient frontier", "有效前沿"),
    "policy.frontier_title": ("{cost} against {service}", "{cost}与{service}"),
    "policy.kpi_title": ("{kpi} by policy", "各方案的{kpi}"),
    "policy.paired_title": (
        "Paired differences against {base} (common random numbers)",
        "相对 {base} 的配对差异（共同随机数）",
    ),
    "policy.difference": ("Δ {kpi}", "Δ {kpi}"),
    "verdict.better": ("Better", "更好"),
    "verdict.worse": ("Worse", "更差"),
    "verdict.none": ("No significant difference", "无显著差异"),
    "policy.lost_axis": ("Customers lost over the horizon (count)", "仿真期内流失客户（户）"),
    "policy.lost_title": ("Customers lost by reason and policy", "各方案按原因的客户流失"),
    "retention.title": (
        "Complainant retention against time to resolve ({rule} rule)",
        "投诉客户挽留率与解决时长（{rule}规则）",
    ),
    "retention.x_axis": ("Hours from complaint to resolution (h)", "从投诉到解决的时间（小时）"),
    "retention.y_axis": ("Customers retained (%)", "挽留的客户（%）"),
    "retention.small": ("Small problem", "小问题"),
    "retention.large": ("Large problem", "大问题"),
    "retention.resolved": ("{size}, resolved", "{size}，已解决"),
    "retention.never": ("{size}, never resolved", "{size}，始终未解决"),
    "retention.silent": ("{size}, did not complain", "{size}，未投诉"),
    "retention.target": (
        "Recovery target {hours:g} h ({policy})",
        "补救目标 {hours:g} 小时（{policy}）",
    ),
    # --- desks with agent groups --------------------------------------------------------------
    "rosters.required": ("agents required (rostered)", "所需坐席（排班）"),
    "rosters.scheduled": ("agents on shift in the schedule", "排班中在岗坐席"),
    "rosters.short": ("left short", "缺口"),
    "rosters.agents_axis": ("agents (count)", "坐席（人）"),
    "rosters.start_axis": ("shift start (time of day)", "班次开始时间"),
    "rosters.coverage_title": ("Agents required and scheduled over the week", "一周所需与排班坐席"),
    "rosters.heatmap_title": (
        "The schedule: agents by shift start and weekday",
        "排班：按开始时间与星期的坐席数",
    ),
    "rosters.source": (
        "Shift schedule: least-cost integer program (HiGHS) over the scenario's shift catalogue",
        "排班：基于情景班次目录的最低成本整数规划（HiGHS）",
    ),
    "rosters.service_title": (
        "Service level achieved per interval of the week",
        "一周各时段实现的服务水平",
    ),
    "rosters.service_axis": ("service level (%)", "服务水平（%）"),
    "rosters.first_schedule": (
        "first schedule (queueing requirement)",
        "初始排班（排队模型需求）",
    ),
    "rosters.corrected_schedule": ("corrected by simulation", "经仿真修正"),
    "rosters.service_source": (
        "Simulated schedules, common random numbers, {level:.0%} CI across replications; "
        "correction after Feldman et al. (2008)",
        "排班方案的仿真，共同随机数，各次重复运行的 {level:.0%} 置信区间；"
        "修正方法参照 Feldman 等（2008）",
    ),
    "optimise.title": (
        "Staffing cost against customers lost to service",
        "人员成本与因服务流失的客户",
    ),
    "optimise.dominated": ("candidate (another is cheaper and loses fewer)", "被占优的候选方案"),
    "optimise.frontier": (
        "frontier (none cheaper and losing fewer)",
        "前沿（无更便宜且流失更少者）",
    ),
    "optimise.selected": ("most net value: {name}", "净价值最高：{name}"),
    "optimise.sl_choice": (
        "cheapest meeting the service level: {name}",
        "达到服务水平的最低成本：{name}",
    ),
    "optimise.source": (
        "Simulation, {candidates} candidates, common random numbers; selection by the KN "
        "procedure (Kim & Nelson 2001)",
        "仿真，{candidates} 个候选方案，共同随机数；以 KN 程序选择（Kim & Nelson 2001）",
    ),
    "groups.sl_title": ("Service level by contact type", "各类接触的服务水平"),
    "groups.sl_bar": ("Service level (mean)", "服务水平（均值）"),
    "groups.type_axis": ("Phone contact type", "电话接触类型"),
    "groups.flow_title": (
        "Who served whom: contacts answered by each agent group",
        "谁接待了谁：各坐席组接听的接触",
    ),
    "groups.flow_axis": (
        "Contact types (left) → agent groups (right); contacts answered over the horizon (count)",
        "接触类型（左）→ 坐席组（右）；仿真期内接听的接触数（个）",
    ),
    "groups.band": (
        "Band width: contacts answered (count, mean of {replications} replications)",
        "带宽：接听的接触数（个，{replications} 次重复运行的均值）",
    ),
    "groups.occupancy_key": (
        "Agent groups, with occupancy (busy over present, %)",
        "坐席组及其占用率（忙碌/在岗，%）",
    ),
    "groups.type_node": ("{type}: {count}", "{type}：{count}"),
    "groups.group_node": (
        "{group}: {count} · occupancy {occupancy}",
        "{group}：{count} · 占用率 {occupancy}",
    ),
    "groups.occupancy": ("Occupancy, {group}", "占用率，{group}"),
    "groups.served": ("{type} answered by {group}", "{group}接听的{type}"),
    "take.sl_by_type": (
        "Service level by type, target {target}: lowest {worst} ({worst_value}), highest {best} "
        "({best_value})",
        "各类型服务水平，目标 {target}：最低 {worst}（{worst_value}），最高 {best}（{best_value}）",
    ),
    "take.served": (
        "{group} took {share:.0%} of the contacts answered; occupancy from {low} ({low_group}) "
        "to {high} ({high_group})",
        "{group}接听了 {share:.0%} 的已接听接触；"
        "占用率从 {low}（{low_group}）到 {high}（{high_group}）",
    ),
    # --- the people at the desk (workforce) -------------------------------------------------
    "workforce.week_axis": ("Week (date)", "周（日期）"),
    "workforce.window": ("Reporting window from {date}", "报告期自 {date} 起"),
    "workforce.group.tier1": ("Front line", "一线"),
    "workforce.group.tier2": ("Tier 2", "二线"),
    "workforce.pressure_title": (
        "Work pressure, time per contact and resolution, weekly",
        "工作压力、单次处理时间与首次解决率（按周）",
    ),
    "workforce.pressure_axis": ("Pressure (×)", "工作压力（倍）"),
    "workforce.pressure": (
        "Front-line work pressure (work per agent present)",
        "一线工作压力（在岗坐席人均在手工作）",
    ),
    "workforce.onset": ("Corners cut above {onset:g}", "压力高于 {onset:g} 时压缩处理时间"),
    "workforce.standard_axis": ("Standard (%)", "时间标准（%）"),
    "workforce.standard": (
        "Time standard, % of handle time (end of day)",
        "处理时间标准，占处理时长的百分比（日终）",
    ),
    "workforce.talk_axis": ("Talk time (min)", "通话时长（分钟）"),
    "workforce.talk": ("Talk time of answered front-line calls", "一线已接来电的通话时长"),
    "workforce.fcr_axis": ("FCR (%)", "首次解决率（%）"),
    "workforce.fcr": ("First-contact resolution (FCR)", "首次接触解决率"),
    "workforce.staff_title": (
        "Overtime, strain and staff by agent group, weekly",
        "各坐席组的加班、身心状态与人员（按周）",
    ),
    "workforce.overtime_axis": ("Overtime (h)", "加班（小时）"),
    "workforce.staff_axis": ("Staff (agents)", "在册（人）"),
    "workforce.establishment_style": (
        "dashed: establishment (the roster's agents)",
        "虚线：编制（排班所需人数）",
    ),
    "workforce.flows_axis": ("Per week (agents)", "每周（人）"),
    "workforce.leavers": ("Leavers, all groups", "离职（全部坐席组）"),
    "workforce.hires": ("New hires starting, all groups", "新员工入职（全部坐席组）"),
    "workforce.index_axis": ("Index (0–1)", "指数（0–1）"),
    "workforce.satisfaction_style": (
        "solid: staff satisfaction (end of day)",
        "实线：员工满意度（日终）",
    ),
    "workforce.fatigue_style": ("dotted: fatigue (while open)", "点线：疲劳度（营业时）"),
    "workforce.trap_title": (
        "The erosion trap: resolution and time per contact after a cut",
        "标准侵蚀困局：临时减员后的解决率与单次处理时间",
    ),
    "workforce.cut": ("Front-line cut", "一线人手削减期"),
    "take.pressure": (
        "Front-line work pressure {pressure}; handle time cut {cut}; first-contact resolution "
        "{fcr}",
        "一线工作压力 {pressure}；处理时间压缩 {cut}；首次接触解决率 {fcr}",
    ),
    "take.attrition": (
        "leavers {leavers}, turnover {attrition} a year, places vacant {vacancy}",
        "离职人数 {leavers}，年化流失率 {attrition}，空缺岗位 {vacancy}",
    ),
    "take.staff_satisfaction": ("staff satisfaction {value}", "员工满意度指数 {value}"),
    "take.fatigue": ("front-line fatigue {value}", "一线疲劳度 {value}"),
    "take.overtime": ("overtime {value} of the time attending", "加班占出勤时间 {value}"),
    "rule.time_decay": ("time-decay", "时间衰减"),
    "rule.tarp": ("TARP", "TARP"),
}
"""Key → (English, Simplified Chinese)."""

KPI_ZH: dict[str, str] = {
    "offered_phone": "来电量",
    "answered_phone": "接听来电",
    "abandoned_phone": "放弃来电",
    "disconnected_phone": "下班时被挂断的来电",
    "service_level": "服务水平",
    "asa_s": "平均应答速度",
    "p_wait": "需等待的来电占比",
    "abandon_rate": "放弃率",
    "disconnect_rate": "下班挂断率",
    "mean_time_to_abandon_s": "平均放弃前等待时间",
    "mean_queue_phone": "营业时平均电话排队",
    "callbacks_accepted": "接受回拨的来电",
    "callbacks_missed": "回拨未接通",
    "callback_accept_share": "接受回拨的比例",
    "callback_reached_rate": "回拨接通率",
    "callback_mean_delay_s": "来电到回拨的平均时间",
    "work_pressure_tier1": "一线工作压力（营业时）",
    "work_pressure_tier2": "二线工作压力（营业时）",
    "handle_time_cut": "压力下缩短的处理时间",
    "time_standard_end": "期末一线单次处理时间标准",
    "absence_share": "未到岗的排班时间（计划外缺勤、空缺）",
    "overtime_share": "加班时间占出勤时间比例",
    "overtime_hours": "加班工时",
    "fatigue_front_line": "一线疲劳度（营业时）",
    "staff_satisfaction": "员工满意度指数（营业时）",
    "staff_satisfaction_end": "期末员工满意度指数",
    "leavers": "离职人数",
    "attrition_annual": "年化员工流失率",
    "vacancy_share": "空缺岗位比例（日均）",
    "chat_offered": "在线聊天量",
    "chat_service_level": "在线聊天服务水平",
    "chat_asa_s": "在线聊天平均应答速度",
    "chat_abandon_rate": "在线聊天放弃率",
    "chat_sessions_per_agent": "每位聊天坐席同时会话数",
    "occupancy_tier1": "一线坐席占用率",
    "occupancy_tier2": "二线坐席占用率",
    "email_received": "收到的邮件",
    "email_mean_response_h": "邮件平均响应时间",
    "fcr_rate": "首次接触解决率",
    "escalation_rate": "升级到二线的比例",
    "repeat_contacts": "重复接触",
    "contacts_simulated": "仿真接触数",
    "customers_start": "期初客户",
    "customers_end": "期末客户",
    "acquired": "新增客户",
    "defections": "流失客户",
    "service_defections": "因服务流失的客户",
    "complaint_rate_monthly": "每客户每月投诉率",
    "complaints_resolved_on_time": "在标准时限内解决的投诉",
    "complaint_rate_service_monthly": "每客户每月服务投诉率",
    "customers_leaving_end": "期末已决定离开的客户",
    "accounts_closed": "销户数",
    "customer_equity_start": "期初客户资产",
    "customer_equity_end": "期末客户资产",
    "complaint_retention": "投诉客户挽留率",
    "advocates": "日均推荐者人数",
    "revenue": "收入",
    "staffing_cost": "人力成本",
    "recovery_cost": "补救成本（补偿）",
    "acquisition_cost": "获客成本",
    "overtime_cost": "加班成本（含于人员成本）",
    "replacement_cost": "离职替补成本",
    "revenue_lost_to_defection": "流失造成的收入损失",
    "lifetime_value_lost_service": "因服务流失的客户终身价值",
    "customer_equity_change": "客户资产变化",
    "complainant_value_retained": "挽留投诉客户的终身价值",
    "net_value": "净价值",
}
"""Chinese names of :data:`sim.measures.metrics.KPIS` (the English ones are the labels there, so a
KPI is named the same in terminal reports and on charts)."""


CONTACT_TYPES_ZH: dict[str, str] = {
    "urgent": "紧急事务",
    "complaint_callback": "投诉回电",
    "follow_up": "主动回访",
}
"""Chinese names of whole contact-type names that do not translate word by word."""
CONTACT_WORDS_ZH: dict[str, str] = {
    "phone": "电话",
    "call": "来电",
    "email": "邮件",
    "chat": "在线聊天",
    "letter": "信件",
    "enquiry": "咨询",
    "inquiry": "咨询",
    "complaint": "投诉",
    "urgent": "紧急",
    "request": "请求",
    "callback": "回电",
    "billing": "账单",
    "payment": "付款",
    "sales": "销售",
    "support": "支持",
    "technical": "技术",
    "general": "一般",
}
"""Chinese for the words contact types are commonly named with (``email_enquiry`` → 邮件咨询)."""
