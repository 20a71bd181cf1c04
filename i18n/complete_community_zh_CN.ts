<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>CompleteCommunity</name>
    <message>
      <source>Complete Community</source>
      <translation>完整社区</translation>
    </message>
    <message>
      <source>Complete Community Toolkit</source>
      <translation>完整社区规划工具箱</translation>
    </message>
    <message>
      <source>Plan data (专项规划数据)…</source>
      <translation>专项规划数据…</translation>
    </message>
    <message>
      <source>Manual scores (人工评分)…</source>
      <translation>人工评分…</translation>
    </message>
    <message>
      <source>Export map book (atlas)</source>
      <translation>导出社区体检图集（地图册）</translation>
    </message>
    <message>
      <source>Evaluation</source>
      <translation>评价</translation>
    </message>
    <message>
      <source>Community (社区) polygons: one page each.</source>
      <translation>社区面图层：每个社区一页。</translation>
    </message>
    <message>
      <source>Community id field</source>
      <translation>社区编号字段</translation>
    </message>
    <message>
      <source>Field with a unique id per community, as the scores and the gap result name it.</source>
      <translation>每个社区唯一编号的字段，与评分结果和设施短板结果中的社区编号一致。</translation>
    </message>
    <message>
      <source>Community name field</source>
      <translation>社区名称字段</translation>
    </message>
    <message>
      <source>The community's name, in page titles and on the maps.</source>
      <translation>社区名称，用于页面标题和地图标注。</translation>
    </message>
    <message>
      <source>District id field on communities</source>
      <translation>社区上的片区编号字段</translation>
    </message>
    <message>
      <source>The 片区 each community belongs to: orders the pages and splits the book.</source>
      <translation>社区所属片区：用于页面排序和按片区分册。</translation>
    </message>
    <message>
      <source>Optional: district polygons, drawn as boundaries; their names head the pages.</source>
      <translation>可选：片区面图层，绘制为边界；其名称显示在页眉中。</translation>
    </message>
    <message>
      <source>District id field</source>
      <translation>片区编号字段</translation>
    </message>
    <message>
      <source>The id of each district, as the communities name it.</source>
      <translation>各片区的编号，与社区上记录的片区编号一致。</translation>
    </message>
    <message>
      <source>District name field</source>
      <translation>片区名称字段</translation>
    </message>
    <message>
      <source>The name of each district, shown in the book.</source>
      <translation>每个片区的名称，显示在图集中。</translation>
    </message>
    <message>
      <source>The units output of the facility gap analysis (ok_T per facility type T): the compounds are coloured by the share of mandatory types within reach.</source>
      <translation>设施短板分析输出的单元图层（每类设施 T 有 ok_T 字段）：小区按步行可达的应配建设施类型比例着色。</translation>
    </message>
    <message>
      <source>Optional: facilities, drawn by type on the community pages.</source>
      <translation>可选：设施图层，在社区页面上按类型绘制。</translation>
    </message>
    <message>
      <source>Optional: the walking network, drawn on community pages.</source>
      <translation>可选：步行网络，在社区页面上绘制。</translation>
    </message>
    <message>
      <source>Optional: the 'Community scores' output of rubric scoring; each community page shows its total and grade.</source>
      <translation>可选：评价细则评分输出的“社区评分”图层；每个社区页面显示其总分和等级。</translation>
    </message>
    <message>
      <source>The facility standard the gap analysis used; the built-in default when empty.</source>
      <translation>设施短板分析所用的设施标准；留空时使用内置默认标准。</translation>
    </message>
    <message>
      <source>The rubric the scores were made with (grade names, maximum); built-in when empty.</source>
      <translation>评分所用的评价细则（等级名称、满分）；留空时使用内置细则。</translation>
    </message>
    <message>
      <source>Heads every page, e.g. the city or district evaluated (南京市玄武区).</source>
      <translation>显示在每页页眉，例如被评价的城市或城区（南京市玄武区）。</translation>
    </message>
    <message>
      <source>The language of titles, legends and tables: 0 Chinese, 1 English.</source>
      <translation>标题、图例和表格的语言：0 中文，1 英文。</translation>
    </message>
    <message>
      <source>Community ids separated by commas, for pages of these only; every one when empty.</source>
      <translation>以逗号分隔的社区编号：只为这些社区出图；留空时为全部社区出图。</translation>
    </message>
    <message>
      <source>0 A4 landscape, 1 A3 landscape, 2 A4 portrait, 3 A3 portrait.</source>
      <translation>0 A4 横向，1 A3 横向，2 A4 纵向，3 A3 纵向。</translation>
    </message>
    <message>
      <source>0: one PDF. 1: one PDF per district, each with its own overview, named &lt;name&gt;_&lt;district&gt;.pdf next to the output (needs the district id field).</source>
      <translation>0：一个 PDF。1：每个片区一个 PDF，各含本片区总览页，命名为 &lt;名称&gt;_&lt;片区&gt;.pdf，与输出文件位于同一文件夹（需要社区上的片区编号字段）。</translation>
    </message>
    <message>
      <source>Credits for the footer. When empty, the input layers' names. The OpenStreetMap attribution is added when an input has OSM fields (osm_id, other_tags …).</source>
      <translation>页脚中的数据来源说明。留空时列出输入图层名称。输入图层含 OSM 字段（osm_id、other_tags 等）时自动加注 OpenStreetMap 版权声明。</translation>
    </message>
    <message>
      <source>Resolution of the PNG pages and of the raster parts of the PDF.</source>
      <translation>PNG 页面以及 PDF 中栅格部分的分辨率。</translation>
    </message>
    <message>
      <source>Optional: a folder for one PNG image per page, named by file and page.</source>
      <translation>可选：输出每页一张 PNG 图片的文件夹，按文件和页码命名。</translation>
    </message>
    <message>
      <source>The PDF to write. Split by district: &lt;name&gt;_&lt;district&gt;.pdf next to it.</source>
      <translation>要写入的 PDF。按片区分册时，在其旁写入 &lt;名称&gt;_&lt;片区&gt;.pdf。</translation>
    </message>
    <message>
      <source>Communities (社区)</source>
      <translation>社区</translation>
    </message>
    <message>
      <source>Districts (片区)</source>
      <translation>片区</translation>
    </message>
    <message>
      <source>Facility gap result (units)</source>
      <translation>设施短板分析结果（单元）</translation>
    </message>
    <message>
      <source>Compound id field</source>
      <translation>小区编号字段</translation>
    </message>
    <message>
      <source>Names compounds; the feature id when empty.</source>
      <translation>小区名称标识；留空时使用要素编号。</translation>
    </message>
    <message>
      <source>Compound name field</source>
      <translation>小区名称字段</translation>
    </message>
    <message>
      <source>The compound's name in the tables.</source>
      <translation>表格中显示的小区名称。</translation>
    </message>
    <message>
      <source>Community id field on the gap result</source>
      <translation>短板结果中的社区编号字段</translation>
    </message>
    <message>
      <source>The community each compound belongs to. When empty, the community polygon holding the compound's point (a polygon's point on surface).</source>
      <translation>小区所属社区。留空时取包含小区代表点（面的内部点）的社区。</translation>
    </message>
    <message>
      <source>Population field on the gap result</source>
      <translation>短板结果中的人口字段</translation>
    </message>
    <message>
      <source>Residents per compound, in the tables and the share of residents covered.</source>
      <translation>每个小区的居民人数，用于表格和居民覆盖比例。</translation>
    </message>
    <message>
      <source>Community scores</source>
      <translation>社区得分</translation>
    </message>
    <message>
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <source>Map book language</source>
      <translation>图集语言</translation>
    </message>
    <message>
      <source>Chosen communities</source>
      <translation>指定社区</translation>
    </message>
    <message>
      <source>Page size</source>
      <translation>页面尺寸</translation>
    </message>
    <message>
      <source>Files</source>
      <translation>文件</translation>
    </message>
    <message>
      <source>Data sources</source>
      <translation>数据来源</translation>
    </message>
    <message>
      <source>Resolution (dpi)</source>
      <translation>分辨率（dpi）</translation>
    </message>
    <message>
      <source>PNG pages (folder)</source>
      <translation>PNG 页面（文件夹）</translation>
    </message>
    <message>
      <source>Map book</source>
      <translation>社区体检图集</translation>
    </message>
    <message>
      <source>PDF file (*.pdf)</source>
      <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
      <source>Files written</source>
      <translation>已写入的文件</translation>
    </message>
    <message>
      <source>Pages</source>
      <translation>页数</translation>
    </message>
    <message>
      <source>No file was given for the map book: nothing was drawn.</source>
      <translation>未指定社区体检图集的输出文件：未绘制。</translation>
    </message>
    <message>
      <source>Give the district id field on communities to write one PDF per district.</source>
      <translation>要按片区分别输出 PDF，请指定社区图层上的片区编号字段。</translation>
    </message>
    <message>
      <source>Chinese (中文)</source>
      <translation>中文</translation>
    </message>
    <message>
      <source>English</source>
      <translation>英文</translation>
    </message>
    <message>
      <source>One PDF</source>
      <translation>一个 PDF</translation>
    </message>
    <message>
      <source>One PDF per district (片区)</source>
      <translation>每个片区一个 PDF</translation>
    </message>
    <message>
      <source>Map book: {files} file(s), {pages} pages, written in {fonts}.</source>
      <translation>社区体检图集：{files} 个文件，共 {pages} 页，字体为 {fonts}。</translation>
    </message>
    <message>
      <source>Export rubric to Excel</source>
      <translation>导出评价细则为 Excel</translation>
    </message>
    <message>
      <source>The rubric to write out; the built-in rubric when empty.</source>
      <translation>要写出的评价细则；为空时写出内置评价细则。</translation>
    </message>
    <message>
      <source>The .xlsx to write: one sheet of scoring points, one of grade bands and one with the rubric's name, version, notice and total.</source>
      <translation>要写出的 .xlsx 文件：一个评分点工作表、一个等级工作表，以及一个包含评价细则名称、版本、说明和总分的工作表。</translation>
    </message>
    <message>
      <source>Rubric workbook</source>
      <translation>评价细则工作簿</translation>
    </message>
    <message>
      <source>Excel workbook (*.xlsx)</source>
      <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
      <source>Scoring points written</source>
      <translation>写出的评分点数</translation>
    </message>
    <message>
      <source>Wrote {file}: {categories} categories, {items} items, {points} scoring points, {total} points in all.</source>
      <translation>已写出 {file}：{categories} 个大类、{items} 个项目、{points} 个评分点，满分 {total} 分。</translation>
    </message>
    <message>
      <source>Export evaluation workbook</source>
      <translation>导出评价工作簿</translation>
    </message>
    <message>
      <source>Draws the map book's maps into the workbook: the overview below the summary, each community's map below its evaluation form (needs the facility gap result).</source>
      <translation>将社区体检图集的地图绘入工作簿：总览图置于汇总表下方，各社区地图置于其评价表下方（需要设施短板分析结果）。</translation>
    </message>
    <message>
      <source>Optional, with maps: facilities, drawn by type on the communities' maps.</source>
      <translation>可选，绘制地图时使用：设施，按类型绘于各社区地图上。</translation>
    </message>
    <message>
      <source>Optional, with maps: the walking network, drawn on the communities' maps.</source>
      <translation>可选，绘制地图时使用：步行网络，绘于各社区地图上。</translation>
    </message>
    <message>
      <source>Optional: the districts, to show their names instead of their ids. Their id field holds the values of the district id field on communities.</source>
      <translation>可选：片区图层，用于显示片区名称而非编号。其编号字段的值与社区上的片区编号字段一致。</translation>
    </message>
    <message>
      <source>Optional: a plan store made by the plan dialogs; its projects make the 项目库 sheet, with the date each project reached each status (from the store's history). Without it the sheet is left out.</source>
      <translation>可选：用规划数据对话框建立的规划数据库，其中的项目写入项目库工作表，并列出各项目进入各状态的日期（取自数据库的变更记录）。不给时不生成该表。</translation>
    </message>
    <message>
      <source>Heads every sheet, e.g. the city or district evaluated (南京市玄武区).</source>
      <translation>写在每张工作表的表头，例如所评价的城市或区（南京市玄武区）。</translation>
    </message>
    <message>
      <source>The language of the sheets and their headings: 0 Chinese, 1 English.</source>
      <translation>工作表及其标题的语言：0 中文，1 英文。</translation>
    </message>
    <message>
      <source>0: one workbook. 1: one per district, named after the output file and the district (needs the district id field). 2: one workbook whose summary and lists cover every community, with evaluation sheets only for the communities listed in 'Chosen communities'.</source>
      <translation>0：一个工作簿。1：每个片区一个工作簿，按输出文件名和片区命名（需要片区编号字段）。2：一个工作簿，汇总表和清单包含全部社区，只为“指定社区”中列出的社区生成评价表。</translation>
    </message>
    <message>
      <source>Community ids separated by commas, for evaluation sheets of those only (2).</source>
      <translation>以逗号分隔的社区编号，只为这些社区生成评价表（选项 2）。</translation>
    </message>
    <message>
      <source>When unchecked, an existing file of the same name is left alone and the run stops saying so.</source>
      <translation>不勾选时，同名的已有文件保持不变，运行停止并给出提示。</translation>
    </message>
    <message>
      <source>The .xlsx to write. Split by district, one file per district is written next to it, named &lt;name&gt;_&lt;district&gt;.xlsx.</source>
      <translation>要写出的 .xlsx 文件。按片区拆分时，在其旁边为每个片区写出一个文件，命名为 &lt;文件名&gt;_&lt;片区&gt;.xlsx。</translation>
    </message>
    <message>
      <source>Place maps in the workbook</source>
      <translation>在工作簿中放置地图</translation>
    </message>
    <message>
      <source>The name of each district, shown in the workbook.</source>
      <translation>各片区的名称，写入工作簿。</translation>
    </message>
    <message>
      <source>Compound name field on the gap result</source>
      <translation>短板结果中的小区名称字段</translation>
    </message>
    <message>
      <source>The name of each compound, shown in the gap list next to its id.</source>
      <translation>各小区的名称，在短板清单中与小区编号并列显示。</translation>
    </message>
    <message>
      <source>Plan store (projects)</source>
      <translation>规划数据库（项目）</translation>
    </message>
    <message>
      <source>Plan scenario: coverage before and after</source>
      <translation>规划情景：实施前后的覆盖情况</translation>
    </message>
    <message>
      <source>Optional: the output 'Coverage before and after the plan' of the plan scenario. With the gaps closed below, it makes the 规划前后对比 sheet.</source>
      <translation>可选：规划情景的输出“规划实施前后的覆盖情况”。与下面的“规划补齐的短板”一起生成规划前后对比工作表。</translation>
    </message>
    <message>
      <source>Plan scenario: gaps closed</source>
      <translation>规划情景：规划补齐的短板</translation>
    </message>
    <message>
      <source>Optional: the output 'Gaps closed by the plan' of the plan scenario: the compounds the plan brings nearer, listed on the 规划前后对比 sheet.</source>
      <translation>可选：规划情景的输出“规划补齐的短板”：规划使设施更近的小区，列在规划前后对比工作表中。</translation>
    </message>
    <message>
      <source>Plan scenario: units with facility gaps after the plan</source>
      <translation>规划情景：规划实施后的小区设施短板</translation>
    </message>
    <message>
      <source>Optional: the units output of the plan scenario. The communities are scored again with it in place of the facility gap result (same fields, same manual scores), and the sheet shows each community's total before and after.</source>
      <translation>可选：规划情景的单元输出。以它代替设施短板结果再评分一次（字段和人工评分不变），工作表列出各社区规划前后的总分。</translation>
    </message>
    <message>
      <source>Workbook language</source>
      <translation>工作簿语言</translation>
    </message>
    <message>
      <source>Workbooks</source>
      <translation>工作簿</translation>
    </message>
    <message>
      <source>Replace an existing workbook</source>
      <translation>替换已有工作簿</translation>
    </message>
    <message>
      <source>Evaluation workbook</source>
      <translation>评价工作簿</translation>
    </message>
    <message>
      <source>Workbooks written</source>
      <translation>已写出的工作簿</translation>
    </message>
    <message>
      <source>Give the facility gap result to place maps in the workbook.</source>
      <translation>请提供设施短板分析结果，以便在工作簿中放置地图。</translation>
    </message>
    <message>
      <source>Give both outputs of the plan scenario, 'Coverage before and after the plan' and 'Gaps closed by the plan', to write the 规划前后对比 sheet.</source>
      <translation>请同时给出规划情景的两个输出“规划实施前后的覆盖情况”和“规划补齐的短板”，才能生成规划前后对比工作表。</translation>
    </message>
    <message>
      <source>Give the facility gap result as well as the units after the plan: the score change compares the two.</source>
      <translation>给出规划实施后的单元时，请同时给出设施短板结果：得分变化是两者的比较。</translation>
    </message>
    <message>
      <source>Give the district id field on communities to write one workbook per district.</source>
      <translation>要按片区分别写出工作簿，请给出社区上的片区编号字段。</translation>
    </message>
    <message>
      <source>Give the ids of the communities whose evaluation sheets to write in 'Chosen communities', separated by commas.</source>
      <translation>请在“指定社区”中给出要生成评价表的社区编号，以逗号分隔。</translation>
    </message>
    <message>
      <source>Wrote {count} workbooks: {files}</source>
      <translation>已写出 {count} 个工作簿：{files}</translation>
    </message>
    <message>
      <source>The 片区 each community belongs to: groups the summary and the lists, and names the workbooks when they are split by district.</source>
      <translation>各社区所属的片区：用于汇总表和清单的分组，按片区拆分时用于工作簿命名。</translation>
    </message>
    <message>
      <source>One workbook with every community</source>
      <translation>一个工作簿，包含全部社区</translation>
    </message>
    <message>
      <source>One workbook per district (片区)</source>
      <translation>每个片区一个工作簿</translation>
    </message>
    <message>
      <source>One workbook, evaluation sheets only for the chosen communities</source>
      <translation>一个工作簿，只为指定社区生成评价表</translation>
    </message>
    <message>
      <source>Give the id field of layer '{layer}' to name the districts.</source>
      <translation>要显示片区名称，请给出图层“{layer}”的编号字段。</translation>
    </message>
    <message>
      <source>Table '{layer}' given as {parameter} has no field '{field}': give the output of the plan scenario (completecommunity:planscenario).</source>
      <translation>作为 {parameter} 给出的表“{layer}”没有字段“{field}”：请给出规划情景（completecommunity:planscenario）的输出。</translation>
    </message>
    <message>
      <source>Facility gap analysis</source>
      <translation>设施短板分析</translation>
    </message>
    <message>
      <source>Analysis</source>
      <translation>分析</translation>
    </message>
    <message>
      <source>farther than the snap tolerance from the walking network</source>
      <translation>与步行网络的距离超过吸附容差</translation>
    </message>
    <message>
      <source>on a part of the walking network not connected to the main network</source>
      <translation>位于与主网络不连通的步行网络部分上</translation>
    </message>
    <message>
      <source>no usable geometry</source>
      <translation>没有可用的几何图形</translation>
    </message>
    <message>
      <source>The units with dist_T, ok_T per facility type T, gaps and n_gaps.</source>
      <translation>居住单元，含每类设施 T 的 dist_T、ok_T，以及 gaps 和 n_gaps。</translation>
    </message>
    <message>
      <source>One row per facility type: facilities, units and population covered.</source>
      <translation>每类设施一行：设施数量、覆盖的单元数和人口。</translation>
    </message>
    <message>
      <source>Residential compounds (小区) as polygons or points; a polygon is measured from a point inside it.</source>
      <translation>居住小区（面或点）；面以其内部一点计算距离。</translation>
    </message>
    <message>
      <source>Field that names each unit in messages and reports; the feature id when empty.</source>
      <translation>在提示信息和报表中标识各单元的字段；留空时使用要素编号。</translation>
    </message>
    <message>
      <source>Residents per unit, for the population covered and not covered. NULL, zero or negative values are counted and reported.</source>
      <translation>各单元的居住人口，用于统计覆盖和未覆盖的人口。空值、零和负值会被统计并报告。</translation>
    </message>
    <message>
      <source>Facility points or polygons of every type in one layer.</source>
      <translation>全部类型的设施点或面，放在一个图层中。</translation>
    </message>
    <message>
      <source>Walkable lines. Lines join where they share a vertex. Without a network distances are straight-line, and the output says so.</source>
      <translation>可步行的线。线在共享顶点处相连。不提供网络时按直线距离计算，并在输出中注明。</translation>
    </message>
    <message>
      <source>Distances beyond this are not searched and come out NULL.</source>
      <translation>超过此距离不再搜索，结果为空。</translation>
    </message>
    <message>
      <source>facility type not in the standard: left out</source>
      <translation>标准中没有此设施类型：未参与计算</translation>
    </message>
    <message>
      <source>Units with facility gaps</source>
      <translation>设施短板单元</translation>
    </message>
    <message>
      <source>Coverage by facility type</source>
      <translation>设施覆盖统计</translation>
    </message>
    <message>
      <source>Units with gaps</source>
      <translation>存在短板的单元数</translation>
    </message>
    <message>
      <source>Units analysed</source>
      <translation>分析的单元数</translation>
    </message>
    <message>
      <source>Distance mode</source>
      <translation>距离计算方式</translation>
    </message>
    <message>
      <source>Measure</source>
      <translation>度量方式</translation>
    </message>
    <message>
      <source>Residential units (compounds)</source>
      <translation>居住单元（小区）</translation>
    </message>
    <message>
      <source>Unit id field</source>
      <translation>单元编号字段</translation>
    </message>
    <message>
      <source>Population field</source>
      <translation>人口字段</translation>
    </message>
    <message>
      <source>Facilities</source>
      <translation>设施</translation>
    </message>
    <message>
      <source>Search cut-off (metres)</source>
      <translation>搜索上限（米）</translation>
    </message>
    <message>
      <source>No population field: population covered is not computed.</source>
      <translation>未指定人口字段：不计算覆盖人口。</translation>
    </message>
    <message>
      <source>{count} units have no population (NULL), left out of the population figures: {ids}</source>
      <translation>{count} 个单元没有人口数据（空值），未计入人口统计：{ids}</translation>
    </message>
    <message>
      <source>{count} units have zero population: {ids}</source>
      <translation>{count} 个单元人口为零：{ids}</translation>
    </message>
    <message>
      <source>{count} units have a negative population, left out of the population figures: {ids}</source>
      <translation>{count} 个单元人口为负值，未计入人口统计：{ids}</translation>
    </message>
    <message>
      <source>Layer '{layer}' is unchanged since an earlier run: its features were not read again.</source>
      <translation>图层“{layer}”自上次运行以来未改变：未重新读取其要素。</translation>
    </message>
    <message>
      <source>Layer '{layer}' already has result fields ({fields}): they are replaced by the results of this run.</source>
      <translation>图层“{layer}”已有结果字段（{fields}）：将以本次运行的结果替换。</translation>
    </message>
    <message>
      <source>{count} units {reason}: {ids}</source>
      <translation>{count} 个单元{reason}：{ids}</translation>
    </message>
    <message>
      <source>{count} facilities {reason} (feature ids): {ids}</source>
      <translation>{count} 处设施{reason}（要素编号）：{ids}</translation>
    </message>
    <message>
      <source>Plan scenario (before / after)</source>
      <translation>规划情景（实施前后对比）</translation>
    </message>
    <message>
      <source>Units with facility gaps after the plan</source>
      <translation>规划实施后的小区设施短板</translation>
    </message>
    <message>
      <source>The units as the facility gap analysis writes them (dist_T, ok_T, gaps, n_gaps), with the plan's projects counted as facilities.</source>
      <translation>与设施短板分析输出相同的小区图层（dist_T、ok_T、gaps、n_gaps），规划项目计为设施。</translation>
    </message>
    <message>
      <source>Coverage by facility type after the plan</source>
      <translation>规划实施后各类设施覆盖情况</translation>
    </message>
    <message>
      <source>One row per facility type, with the plan's projects counted as facilities.</source>
      <translation>每类设施一行，规划项目计为设施。</translation>
    </message>
    <message>
      <source>The special plan's GeoPackage, as made by the Plan data dialog.</source>
      <translation>专项规划数据库（GeoPackage），由“专项规划数据”对话框创建。</translation>
    </message>
    <message>
      <source>Projects in these statuses are added as facilities. The default adds planned, under construction and completed projects, not the reserve.</source>
      <translation>处于所选状态的项目作为设施加入分析。默认加入计划、在建和完工项目，不含储备项目。</translation>
    </message>
    <message>
      <source>Without this, a project of a chosen status that has no location stops the run (leaving it out would understate what the plan fixes).</source>
      <translation>不勾选时，所选状态中没有位置的项目会使运行停止（略去它会低估规划的成效）。</translation>
    </message>
    <message>
      <source>One row per unit and facility type whose distance the plan shortens: distance and ok before and after, and gap_closed = 1 where the gap is closed.</source>
      <translation>规划缩短了距离的每个小区与设施类型一行：实施前后的距离与是否达标，短板补齐时 gap_closed = 1。</translation>
    </message>
    <message>
      <source>One row per facility type: units and population covered before and after.</source>
      <translation>每类设施一行：实施前后覆盖的小区数与人口。</translation>
    </message>
    <message>
      <source>Leave out projects without a location</source>
      <translation>略去没有位置的项目</translation>
    </message>
    <message>
      <source>Gaps closed by the plan</source>
      <translation>规划补齐的短板</translation>
    </message>
    <message>
      <source>Coverage before and after the plan</source>
      <translation>规划实施前后的覆盖情况</translation>
    </message>
    <message>
      <source>Gaps closed (unit × facility type)</source>
      <translation>补齐的短板数（小区 × 设施类型）</translation>
    </message>
    <message>
      <source>Units with at least one gap closed</source>
      <translation>至少补齐一项短板的小区数</translation>
    </message>
    <message>
      <source>Residents of units with a gap closed</source>
      <translation>补齐短板的小区人口</translation>
    </message>
    <message>
      <source>Units with gaps before the plan</source>
      <translation>规划实施前有短板的小区数</translation>
    </message>
    <message>
      <source>Projects added as facilities</source>
      <translation>作为设施加入的项目数</translation>
    </message>
    <message>
      <source>{count} projects {reason}: {ids}</source>
      <translation>{count} 个项目{reason}：{ids}</translation>
    </message>
    <message>
      <source>Rubric scoring</source>
      <translation>评价细则评分</translation>
    </message>
    <message>
      <source>One row per community and scoring point: maximum, score (NULL while 待评 or without data), status, method, the indicator and its value, evidence.</source>
      <translation>每个社区每个评分点一行：满分、得分（待评或无数据时为 NULL）、状态、评分方法、所用指标及其数值、佐证材料。</translation>
    </message>
    <message>
      <source>The communities with a subtotal per category (cat_&lt;id&gt;), total, upper bound, grade, provisional flag and the number of open points.</source>
      <translation>社区图层，含各大类小计（cat_&lt;编号&gt;）、总分、最高可能得分、等级、暂定标记和未评评分点数。</translation>
    </message>
    <message>
      <source>Scores by scoring point</source>
      <translation>按评分点的得分</translation>
    </message>
    <message>
      <source>Suggest sites for new facilities</source>
      <translation>新增设施选址建议</translation>
    </message>
    <message>
      <source>The type of the new facilities: a type code of the standard (e.g. kindergarten), or its Chinese or English name.</source>
      <translation>新增设施的类型：设施标准中的类型代码（如 kindergarten），或其中文、英文名称。</translation>
    </message>
    <message>
      <source>Possible sites as points or polygons (a polygon at its point on surface; polygons below the type's minimum land area are skipped). Without a layer, sites are proposed along the walking network.</source>
      <translation>可选址的点或面（面取其面内点；用地面积小于该类设施最小用地面积的面被跳过）。不提供时沿步行网络生成备选点位。</translation>
    </message>
    <message>
      <source>Field naming each candidate (unique); the feature id when empty.</source>
      <translation>备选点位的编号字段（须唯一）；为空时用要素编号。</translation>
    </message>
    <message>
      <source>How many sites to choose (maximal coverage). Ignored with a target share.</source>
      <translation>选取的点位数（最大覆盖）。给出目标覆盖率时忽略此项。</translation>
    </message>
    <message>
      <source>Instead of a number of sites: the fewest sites that bring the type's coverage to this share of all residents (e.g. 0.9). Compounds no candidate reaches are set aside and listed; the target is lowered to what the candidates can reach.</source>
      <translation>代替点位数：使该类设施覆盖全部居民的这一比例（如 0.9）所需的最少点位。任何备选点位都服务不到的小区单独列出、不参与计算；目标相应降低到备选点位所能覆盖的上限。</translation>
    </message>
    <message>
      <source>How long the exact solver may search for the proven best answer (all of the run's solving together). Past it, the best answer found is kept and labelled with its remaining gap; 0 answers with the greedy method alone.</source>
      <translation>精确求解器寻找可证明最优解的时间上限（本次运行的全部求解合计）。超时后保留已找到的最好方案，并注明与最优的剩余差距；为 0 时只用贪心法。</translation>
    </message>
    <message>
      <source>Without a candidate layer: sites are proposed along the walking network about this far apart, within reach of compounds not served.</source>
      <translation>不提供备选点位图层时：沿步行网络按约此间距生成备选点位，只保留在未覆盖小区服务半径内的点位。</translation>
    </message>
    <message>
      <source>Without a candidate layer: network lines where no site is proposed. Empty: OSM motorways, trunk roads, lines under construction and other unwalkable highway values, bridges and tunnels (by the fields the layer has).</source>
      <translation>不提供备选点位图层时：不生成点位的网络线。为空时按图层已有字段排除 OSM 高速公路、快速路（trunk）、在建道路等不可步行的 highway 取值，以及桥梁和隧道。</translation>
    </message>
    <message>
      <source>Extend the coverage curve to this many sites; 0: as many as chosen.</source>
      <translation>覆盖曲线延伸到的点位数；0 表示与选取的点位数相同。</translation>
    </message>
    <message>
      <source>With a plan store: each suggested site is filed under the community of the residents it newly serves.</source>
      <translation>给出规划数据库时：每个建议点位归入其新覆盖居民所在的社区。</translation>
    </message>
    <message>
      <source>Optional: the chosen sites are added to this plan store as reserve (储备) projects of the type, for planscenario, tieredprovision and exportworkbook.</source>
      <translation>可选：选中的点位作为该类设施的储备项目写入此规划数据库，供规划情景、分级配置和评价工作簿使用。</translation>
    </message>
    <message>
      <source>One feature per chosen site in the order of what it adds: rank, candidate_id, pop_gained, pop_cumulative, units_gained, unit_ids …</source>
      <translation>每个选中点位一个要素，按新增覆盖排序：rank、candidate_id、pop_gained、pop_cumulative、units_gained、unit_ids 等。</translation>
    </message>
    <message>
      <source>Every unit: covered before, newly covered by which site, still not covered, or unreachable from every candidate.</source>
      <translation>每个单元的状态：原已覆盖、由哪个点位新覆盖、仍未覆盖，或任何备选点位都服务不到。</translation>
    </message>
    <message>
      <source>People covered with k = 0, 1 … K new sites, and whether each figure is proven best.</source>
      <translation>新增 k = 0、1 … K 个点位时覆盖的人口，以及每个数值是否可证明最优。</translation>
    </message>
    <message>
      <source>Facility type</source>
      <translation>设施类型</translation>
    </message>
    <message>
      <source>Candidate sites</source>
      <translation>备选点位</translation>
    </message>
    <message>
      <source>Candidate id field</source>
      <translation>备选点位编号字段</translation>
    </message>
    <message>
      <source>Number of new sites</source>
      <translation>新增点位数</translation>
    </message>
    <message>
      <source>Target share covered</source>
      <translation>目标覆盖率</translation>
    </message>
    <message>
      <source>Time limit (seconds)</source>
      <translation>求解时限（秒）</translation>
    </message>
    <message>
      <source>Candidate spacing (metres)</source>
      <translation>备选点位间距（米）</translation>
    </message>
    <message>
      <source>Lines without sites</source>
      <translation>不设点位的网络线</translation>
    </message>
    <message>
      <source>Coverage curve up to (sites)</source>
      <translation>覆盖曲线最多点位数</translation>
    </message>
    <message>
      <source>Community id field of the units</source>
      <translation>单元的社区编号字段</translation>
    </message>
    <message>
      <source>Suggested sites</source>
      <translation>建议点位</translation>
    </message>
    <message>
      <source>Units with their status</source>
      <translation>单元覆盖状态</translation>
    </message>
    <message>
      <source>Coverage curve</source>
      <translation>覆盖曲线</translation>
    </message>
    <message>
      <source>People newly covered</source>
      <translation>新覆盖人口</translation>
    </message>
    <message>
      <source>Proven best</source>
      <translation>可证明最优</translation>
    </message>
    <message>
      <source>Sites chosen</source>
      <translation>选中点位数</translation>
    </message>
    <message>
      <source>Remaining gap to the best possible</source>
      <translation>与最优的剩余差距</translation>
    </message>
    <message>
      <source>Method</source>
      <translation>求解方法</translation>
    </message>
    <message>
      <source>Share covered before</source>
      <translation>选址前覆盖率</translation>
    </message>
    <message>
      <source>Share covered after</source>
      <translation>选址后覆盖率</translation>
    </message>
    <message>
      <source>Projects added to the plan store</source>
      <translation>写入规划数据库的项目数</translation>
    </message>
    <message>
      <source>Without a candidate layer, sites are proposed along the walking network: give a walking network or a layer of candidate sites.</source>
      <translation>没有备选点位图层时，点位沿步行网络生成：请提供步行网络或备选点位图层。</translation>
    </message>
    <message>
      <source>Facility type '{value}' is not in the standard; use one of its type codes: {codes}</source>
      <translation>设施类型“{value}”不在设施标准中；请使用以下类型代码之一：{codes}</translation>
    </message>
    <message>
      <source>Layer '{layer}' is empty: there are no candidate sites.</source>
      <translation>图层“{layer}”为空：没有备选点位。</translation>
    </message>
    <message>
      <source>Tiered provisioning (district – community – compound)</source>
      <translation>分级配置分析（片区–社区–小区）</translation>
    </message>
    <message>
      <source>Walkable lines, for the distance within which a facility may be shared with a neighbouring unit. Without a network that distance is straight-line.</source>
      <translation>可步行的线，用于计算设施可与相邻单元共享的距离。不提供路网时按直线距离计算。</translation>
    </message>
    <message>
      <source>Units and facilities farther than this from every network line are not joined to it and take part in no sharing (they still count in their own unit).</source>
      <translation>距所有路网线都超过该距离的单元和设施不连入路网，不参与共享（仍计入所在单元）。</translation>
    </message>
    <message>
      <source>When checked, the totals on the unit layers and the numbers of units short consider only the types the standard says must be provided; the long table always lists every type.</source>
      <translation>勾选时，单元图层上的合计和存在短板的单元数只考虑标准规定应配建的类型；长表始终列出所有类型。</translation>
    </message>
    <message>
      <source>Optional: the special plan's GeoPackage. Its projects of the chosen statuses are added as facilities, so every output describes the state after the plan, and the plan changes output compares the deficits before and after.</source>
      <translation>可选：专项规划的 GeoPackage 文件。所选状态的项目作为设施加入，因此所有输出都描述规划实施后的状态；“规划前后的缺口变化”输出对比规划前后的缺口。</translation>
    </message>
    <message>
      <source>With a plan store, projects in these statuses are added as facilities. The default adds planned, under construction and completed projects, not the reserve.</source>
      <translation>提供规划数据库时，这些状态的项目作为设施加入。默认加入计划、在建和完工的项目，不含储备项目。</translation>
    </message>
    <message>
      <source>Residents per compound. Communities and districts get the sums of their compounds. Give this or the households field.</source>
      <translation>每个小区的居住人口。社区和片区的人口为其所含小区人口之和。请提供该字段或户数字段。</translation>
    </message>
    <message>
      <source>Households per compound, used when no population field is given.</source>
      <translation>每个小区的户数，未提供人口字段时使用。</translation>
    </message>
    <message>
      <source>Population = households × this factor (only with the households field).</source>
      <translation>人口 = 户数 × 该系数（仅在使用户数字段时）。</translation>
    </message>
    <message>
      <source>The id of the unit of the tier above that each unit belongs to. When empty, each unit belongs to the unit above it overlaps most; units overlapping none are reported.</source>
      <translation>每个单元所属上级单元的编号。留空时，每个单元归属于与其重叠面积最大的上级单元；与任何上级单元都不重叠的单元会被报告。</translation>
    </message>
    <message>
      <source>Facility points or polygons of every type in one layer. A facility lies in the unit that holds its point (a polygon's point on surface).</source>
      <translation>所有类型的设施点或面放在一个图层中。设施位于包含其代表点（面取面内点）的单元中。</translation>
    </message>
    <message>
      <source>Field with a unique id per facility for the outputs; the feature id when empty.</source>
      <translation>每处设施唯一编号的字段，用于输出；留空时使用要素编号。</translation>
    </message>
    <message>
      <source>One row per unit and facility type of its tier: required, own, shared and missing counts and areas, status and the facilities used.</source>
      <translation>每个单元与其层级的每类设施一行：要求、自有、共享和缺少的数量与面积，状态以及所用设施。</translation>
    </message>
    <message>
      <source>One row per facility and unit it serves: the share of the facility and the floor and land area apportioned to that unit.</source>
      <translation>每处设施与其服务的每个单元一行：设施的分摊比例以及分摊给该单元的建筑面积和用地面积。</translation>
    </message>
    <message>
      <source>With a plan store: one row per unit and facility type whose deficit the plan changes, with the deficit count, floor-area deficit and status before and after the plan and the projects the unit counts. Empty without a plan store.</source>
      <translation>提供规划数据库时：规划改变其缺口的每个单元与设施类型一行，包括规划前后的缺少数量、建筑面积缺口和状态，以及该单元计入的项目。未提供规划数据库时为空。</translation>
    </message>
    <message>
      <source>Count only mandatory types (应配建) as shortfalls</source>
      <translation>仅将应配建类型计为短板</translation>
    </message>
    <message>
      <source>District (片区) polygons, the 10/15-minute life circles.</source>
      <translation>片区面图层，即十分钟、十五分钟生活圈。</translation>
    </message>
    <message>
      <source>Community (社区) polygons.</source>
      <translation>社区面图层。</translation>
    </message>
    <message>
      <source>Compounds (小区)</source>
      <translation>小区</translation>
    </message>
    <message>
      <source>Residential compound (小区) polygons; they carry the population.</source>
      <translation>小区（居住街坊）面图层，带有人口数据。</translation>
    </message>
    <message>
      <source>Field with a unique id per unit; it names the unit in every output and message.</source>
      <translation>每个单元唯一编号的字段；所有输出和提示信息都用它指称单元。</translation>
    </message>
    <message>
      <source>Households field</source>
      <translation>户数字段</translation>
    </message>
    <message>
      <source>Persons per household</source>
      <translation>户均人口</translation>
    </message>
    <message>
      <source>Facility id field</source>
      <translation>设施编号字段</translation>
    </message>
    <message>
      <source>Floor area field (m²)</source>
      <translation>建筑面积字段（m²）</translation>
    </message>
    <message>
      <source>Land area field (m²)</source>
      <translation>用地面积字段（m²）</translation>
    </message>
    <message>
      <source>Capacity field</source>
      <translation>容量字段</translation>
    </message>
    <message>
      <source>Numbers (or text holding plain numbers) per facility; NULL means unknown. Without this field the area is unknown and no area deficit is computed.</source>
      <translation>每处设施的数值（或仅含数字的文本）；空值表示未知。不提供该字段时面积未知，不计算面积缺口。</translation>
    </message>
    <message>
      <source>Provision by unit and facility type</source>
      <translation>按单元和设施类型的配置情况</translation>
    </message>
    <message>
      <source>Shared facilities</source>
      <translation>共享设施</translation>
    </message>
    <message>
      <source>Districts with shortfalls</source>
      <translation>片区短板</translation>
    </message>
    <message>
      <source>Communities with shortfalls</source>
      <translation>社区短板</translation>
    </message>
    <message>
      <source>Compounds with shortfalls</source>
      <translation>小区短板</translation>
    </message>
    <message>
      <source>The units of one tier with def_T (facilities missing) per type T, the total, the types missing or short of area, population and size flag.</source>
      <translation>某一层级的单元，含每类设施 T 的 def_T（缺少的设施数）、合计、缺项或面积不足的类型、人口和规模标记。</translation>
    </message>
    <message>
      <source>Districts short of a facility</source>
      <translation>存在短板的片区数</translation>
    </message>
    <message>
      <source>Communities short of a facility</source>
      <translation>存在短板的社区数</translation>
    </message>
    <message>
      <source>Compounds short of a facility</source>
      <translation>存在短板的小区数</translation>
    </message>
    <message>
      <source>Deficits changed by the plan</source>
      <translation>规划前后的缺口变化</translation>
    </message>
    <message>
      <source>Give the compounds' population field or their households field.</source>
      <translation>请提供小区的人口字段或户数字段。</translation>
    </message>
    <message>
      <source>Community id field on compounds</source>
      <translation>小区上的社区编号字段</translation>
    </message>
    <message>
      <source>{count} facilities are farther than the snap tolerance from the walking network and are shared with no other unit: {ids}</source>
      <translation>{count} 处设施距步行路网超过吸附容差，不与其他单元共享：{ids}</translation>
    </message>
    <message>
      <source>{count} unit × facility type deficits change with the plan (before and after in the plan changes output).</source>
      <translation>规划改变了 {count} 个“单元 × 设施类型”的缺口（规划前后见“规划前后的缺口变化”输出）。</translation>
    </message>
    <message>
      <source>Id field of {layer}</source>
      <translation>{layer}的编号字段</translation>
    </message>
    <message>
      <source>{count} {units} are farther than the snap tolerance from the walking network and can share no neighbour's facility: {ids}</source>
      <translation>{count} 个{units}距步行路网超过吸附容差，无法共享相邻单元的设施：{ids}</translation>
    </message>
    <message>
      <source>Field holding each facility's type: a code, Chinese or English name, or OSM tag listed among the standard's aliases.</source>
      <translation>记录设施类型的字段：标准中的代码、中文或英文名称，或标准别名中列出的 OSM 标签。</translation>
    </message>
    <message>
      <source>Facility type field</source>
      <translation>设施类型字段</translation>
    </message>
    <message>
      <source>Facility standard file</source>
      <translation>设施标准文件</translation>
    </message>
    <message>
      <source>A facility standard in the built-in format; the built-in default when empty.</source>
      <translation>与内置格式相同的设施标准文件；留空时使用内置默认标准。</translation>
    </message>
    <message>
      <source>Rubric file</source>
      <translation>评价细则文件</translation>
    </message>
    <message>
      <source>Facility standard (*.yaml *.yml *.json)</source>
      <translation>设施标准 (*.yaml *.yml *.json)</translation>
    </message>
    <message>
      <source>Rubric (*.yaml *.yml *.json *.xlsx)</source>
      <translation>评价细则 (*.yaml *.yml *.json *.xlsx)</translation>
    </message>
    <message>
      <source>Facility types the standard does not know (field '{field}'), left out: {values}</source>
      <translation>标准中没有的设施类型（字段“{field}”），未参与计算：{values}</translation>
    </message>
    <message>
      <source>Input '{input}' ({name}): the layer {layer} cannot be opened. Check that the file exists, can be read and holds that layer.</source>
      <translation>输入“{input}”（{name}）：无法打开图层 {layer}。请检查文件是否存在、是否可读、其中是否有该图层。</translation>
    </message>
    <message>
      <source>Layer '{layer}' is empty: there is nothing to analyse.</source>
      <translation>图层“{layer}”为空：没有可分析的内容。</translation>
    </message>
    <message>
      <source>Layer '{layer}' has no field '{field}'.</source>
      <translation>图层“{layer}”没有字段“{field}”。</translation>
    </message>
    <message>
      <source>Field '{field}' of layer '{layer}' must be numeric, but it is {type}.</source>
      <translation>图层“{layer}”的字段“{field}”必须是数值型，但它是 {type}。</translation>
    </message>
    <message>
      <source>Layer '{layer}': {count} features without usable geometry were skipped: {ids}</source>
      <translation>图层“{layer}”：{count} 个要素没有可用的几何图形，已跳过：{ids}</translation>
    </message>
    <message>
      <source>Layer '{layer}': {count} invalid geometries were repaired: {ids}</source>
      <translation>图层“{layer}”：已修复 {count} 个无效几何图形：{ids}</translation>
    </message>
    <message>
      <source>(empty) × {count}</source>
      <translation>（空）× {count}</translation>
    </message>
    <message>
      <source>A table (CSV, Excel sheet, GeoPackage table …) with the columns community_id, point_id, score and optionally evidence, assessor, date. An empty score means not scored yet (待评). An evaluation workbook written by 'Export evaluation workbook' whose yellow manual cells were filled in is read as well.</source>
      <translation>包含 community_id、point_id、score 列（可选 evidence、assessor、date 列）的表格（CSV、Excel 工作表、GeoPackage 表……）。得分为空表示尚未评分（待评）。也可以是“导出评价工作簿”写出、黄色人工评分单元格已填写的工作簿。</translation>
    </message>
    <message>
      <source>A rubric in the built-in format (YAML, JSON or Excel); the built-in when empty.</source>
      <translation>内置格式的评价细则（YAML、JSON 或 Excel）；为空时使用内置评价细则。</translation>
    </message>
    <message>
      <source>The facility standard the analyses used; the rubric's facility types are checked against it. The built-in default when empty.</source>
      <translation>分析所用的设施标准，用于核对评价细则中的设施类型；为空时使用内置默认标准。</translation>
    </message>
    <message>
      <source>Community (社区) polygons; every community is scored.</source>
      <translation>社区面图层；每个社区都会被评分。</translation>
    </message>
    <message>
      <source>Field with a unique id per community; the analyses' outputs and the manual scores name communities by it.</source>
      <translation>每个社区唯一编号的字段；分析结果和人工评分表都用它指代社区。</translation>
    </message>
    <message>
      <source>Field with the community's name, copied into the outputs.</source>
      <translation>社区名称字段，会写入输出。</translation>
    </message>
    <message>
      <source>The units output of the facility gap analysis, with ok_T per facility type T; gives the coverage indicators (coverage_T).</source>
      <translation>设施短板分析输出的单元图层，每类设施 T 有 ok_T 字段；提供覆盖率指标（coverage_T）。</translation>
    </message>
    <message>
      <source>The table 'Provision by unit and facility type' of tiered provisioning; gives the has_, count_deficit_, area_deficit_ and status_ok_ indicators, population, population_in_range and types_short.</source>
      <translation>分级配置分析输出的“按单元和设施类型的配置情况”表；提供 has_、count_deficit_、area_deficit_、status_ok_ 指标以及 population、population_in_range 和 types_short。</translation>
    </message>
    <message>
      <source>Manual scores</source>
      <translation>人工评分</translation>
    </message>
    <message>
      <source>Communities scored</source>
      <translation>已评分社区数</translation>
    </message>
    <message>
      <source>Mean total score</source>
      <translation>平均总分</translation>
    </message>
    <message>
      <source>Communities with a provisional total</source>
      <translation>总分暂定的社区数</translation>
    </message>
    <message>
      <source>Names compounds in messages; the feature id when empty.</source>
      <translation>用于在提示信息中指代小区；为空时使用要素编号。</translation>
    </message>
    <message>
      <source>The community each compound belongs to. When empty, each compound belongs to the community polygon holding its point (a polygon's point on surface).</source>
      <translation>每个小区所属的社区。为空时，小区归属于包含其点位（面取面内点）的社区面。</translation>
    </message>
    <message>
      <source>Residents per compound, to weight coverage; needed with the gap result.</source>
      <translation>每个小区的人口，用于覆盖率加权；给出短板结果时必填。</translation>
    </message>
    <message>
      <source>Provision table</source>
      <translation>设施配置表</translation>
    </message>
    <message>
      <source>{count} compounds of layer '{layer}' lie in no community, left out: {ids}</source>
      <translation>图层“{layer}”中有 {count} 个小区不在任何社区内，已排除：{ids}</translation>
    </message>
    <message>
      <source>{count} compounds of layer '{layer}' have no population, left out of coverage: {ids}</source>
      <translation>图层“{layer}”中有 {count} 个小区没有人口，不计入覆盖率：{ids}</translation>
    </message>
    <message>
      <source>{count} compounds of layer '{layer}' belong to communities that are not being scored, left out: {ids}</source>
      <translation>图层“{layer}”中有 {count} 个小区属于未参与评分的社区，已排除：{ids}</translation>
    </message>
    <message>
      <source>{count} communities have no compound in layer '{layer}'; their coverage points have no data: {ids}</source>
      <translation>有 {count} 个社区在图层“{layer}”中没有小区，其覆盖率评分点为无数据：{ids}</translation>
    </message>
    <message>
      <source>{count} communities scored, mean total {mean}; {provisional} have a provisional total (points still 待评 or without data).</source>
      <translation>已为 {count} 个社区评分，平均总分 {mean}；其中 {provisional} 个社区总分暂定（仍有待评或无数据的评分点）。</translation>
    </message>
    <message>
      <source>Manual scores read from the evaluation forms of workbook {file}: {count}.</source>
      <translation>从工作簿 {file} 的评价表读入人工评分 {count} 项。</translation>
    </message>
    <message>
      <source>Give the population field of layer '{layer}': coverage is weighted by the residents of each compound.</source>
      <translation>请给出图层“{layer}”的人口字段：覆盖率按各小区人口加权。</translation>
    </message>
    <message>
      <source>Layer '{layer}' has no ok_T and dist_T fields: give the units output of the facility gap analysis.</source>
      <translation>图层“{layer}”没有 ok_T 和 dist_T 字段：请给出设施短板分析输出的单元图层。</translation>
    </message>
    <message>
      <source>{count} rows of the manual scores are ignored:</source>
      <translation>人工评分中有 {count} 行被忽略：</translation>
    </message>
    <message>
      <source>{count} cells of the workbook were changed but are not read back:</source>
      <translation>工作簿中有 {count} 个单元格被改动，但不会读入：</translation>
    </message>
    <message>
      <source>Table '{layer}' has no column '{column}'; a manual-score table has the columns {columns}.</source>
      <translation>表“{layer}”没有“{column}”列；人工评分表应包含以下列：{columns}。</translation>
    </message>
    <message>
      <source>… (+{count} more)</source>
      <translation>…（另有 {count} 个）</translation>
    </message>
    <message>
      <source>The inputs do not give {count} indicators the rubric reads, so their points have no data and every total is provisional: {names}. Coverage comes from the facility gap result, the other indicators from the provision table.</source>
      <translation>输入数据无法提供评价细则用到的 {count} 个指标，相应评分点为无数据，所有总分均为暂定：{names}。覆盖率指标来自设施短板分析结果，其他指标来自设施配置表。</translation>
    </message>
    <message>
      <source>{count} communities are not in the provision table '{layer}'; their provision points have no data: {ids}</source>
      <translation>有 {count} 个社区不在设施配置表“{layer}”中，其配置类评分点为无数据：{ids}</translation>
    </message>
    <message>
      <source>The provision table '{layer}' has {count} communities that are not being scored: {ids}</source>
      <translation>设施配置表“{layer}”中有 {count} 个社区未参与评分：{ids}</translation>
    </message>
    <message>
      <source>Layer '{layer}': feature {fid} has no value in the id field '{field}'.</source>
      <translation>图层“{layer}”：要素 {fid} 的编号字段“{field}”为空。</translation>
    </message>
    <message>
      <source>Layer '{layer}' has no valid coordinate reference system; set its CRS first.</source>
      <translation>图层“{layer}”没有有效的坐标参考系；请先设置坐标系。</translation>
    </message>
    <message>
      <source>Terrain (DEM) '{layer}' does not overlap the walking network: no line lies over it. Check the DEM and the network's coordinate reference systems.</source>
      <translation>地形（DEM）“{layer}”与步行网络不重叠：没有任何线位于其上。请检查 DEM 与网络的坐标参考系。</translation>
    </message>
    <message>
      <source>Terrain (DEM) '{layer}' has no valid coordinate reference system; set its CRS first.</source>
      <translation>地形（DEM）“{layer}”没有有效的坐标参考系，请先设置其坐标参考系。</translation>
    </message>
    <message>
      <source>Terrain (DEM) '{layer}' cannot be read.</source>
      <translation>无法读取地形（DEM）“{layer}”。</translation>
    </message>
    <message>
      <source>DEM band (DEM_BAND) {band} does not exist: '{layer}' has {count} bands.</source>
      <translation>DEM 波段（DEM_BAND）{band} 不存在：“{layer}”只有 {count} 个波段。</translation>
    </message>
    <message>
      <source>Terrain (DEM) '{layer}' has no cells to read.</source>
      <translation>地形（DEM）“{layer}”没有可读取的栅格单元。</translation>
    </message>
    <message>
      <source>Terrain (DEM) '{layer}': band {band} cannot be read as heights.</source>
      <translation>地形（DEM）“{layer}”：第 {band} 波段无法作为高程读取。</translation>
    </message>
    <message>
      <source>Layer '{layer}' is in {crs}, which is not measured in metres; distances are measured in {target} instead.</source>
      <translation>图层“{layer}”的坐标系 {crs} 不以米为单位；改在 {target} 中量算距离。</translation>
    </message>
    <message>
      <source>Layer '{layer}' is in {crs}, whose metres differ from ground metres by {percent} % here; distances are measured in {target} instead.</source>
      <translation>图层“{layer}”的坐标系 {crs} 在此处的米与地面实际距离相差 {percent} %；改在 {target} 中量算距离。</translation>
    </message>
    <message>
      <source>Layer '{layer}' is reprojected from {source} to {target} for measuring.</source>
      <translation>图层“{layer}”已从 {source} 转换到 {target} 进行量算。</translation>
    </message>
    <message>
      <source>No font for Chinese text is installed, so the map book would show empty boxes instead of Chinese characters. Install one and run again — Debian or Ubuntu: sudo apt-get install fonts-noto-cjk; Windows: Microsoft YaHei (微软雅黑); macOS: PingFang SC.</source>
      <translation>未安装中文字体，图集中的中文将显示为空白方框。请安装中文字体后重新运行——Debian 或 Ubuntu：sudo apt-get install fonts-noto-cjk；Windows：微软雅黑；macOS：苹方（PingFang SC）。</translation>
    </message>
    <message>
      <source>, </source>
      <translation>、</translation>
    </message>
    <message>
      <source>Map book pages</source>
      <translation>图集页面</translation>
    </message>
    <message>
      <source>Compounds: mandatory facility types within reach</source>
      <translation>小区：应配建设施步行可达比例</translation>
    </message>
    <message>
      <source>Community boundary</source>
      <translation>社区边界</translation>
    </message>
    <message>
      <source>District boundary</source>
      <translation>片区边界</translation>
    </message>
    <message>
      <source>Facilities by type</source>
      <translation>设施（按类型）</translation>
    </message>
    <message>
      <source>Walking network</source>
      <translation>步行网络</translation>
    </message>
    <message>
      <source>Legend</source>
      <translation>图例</translation>
    </message>
    <message>
      <source>Page {page} of {pages}</source>
      <translation>第 {page} 页 / 共 {pages} 页</translation>
    </message>
    <message>
      <source>Map data © OpenStreetMap contributors, ODbL 1.0.</source>
      <translation>地图数据 © OpenStreetMap 贡献者，ODbL 1.0。</translation>
    </message>
    <message>
      <source>Complete community evaluation</source>
      <translation>完整社区评价全流程</translation>
    </message>
    <message>
      <source>Compound</source>
      <translation>小区</translation>
    </message>
    <message>
      <source>Residents</source>
      <translation>人口</translation>
    </message>
    <message>
      <source>Missing</source>
      <translation>缺项数</translation>
    </message>
    <message>
      <source>Mandatory types not within reach</source>
      <translation>步行范围内缺少的应配建设施</translation>
    </message>
    <message>
      <source>Community</source>
      <translation>社区</translation>
    </message>
    <message>
      <source>All within reach</source>
      <translation>全部可达居民</translation>
    </message>
    <message>
      <source>Total · grade (* provisional)</source>
      <translation>总分 · 等级（* 暂定）</translation>
    </message>
    <message>
      <source>Data: {sources}.</source>
      <translation>数据来源：{sources}。</translation>
    </message>
    <message>
      <source>Facility standard: {standard}.</source>
      <translation>设施标准：{standard}。</translation>
    </message>
    <message>
      <source>Made on {date} with the Complete Community Toolkit {version}.</source>
      <translation>{date} 由完整社区规划工具箱 {version} 制图。</translation>
    </message>
    <message>
      <source>{title}: overview</source>
      <translation>{title}：总览</translation>
    </message>
    <message>
      <source>{title} · {district}: overview</source>
      <translation>{title} · {district}：总览</translation>
    </message>
    <message>
      <source>Complete community map book · {date}</source>
      <translation>完整社区体检图集 · {date}</translation>
    </message>
    <message>
      <source>The map book {file} could not be written: {reason}</source>
      <translation>无法写入图集 {file}：{reason}</translation>
    </message>
    <message>
      <source>Layer '{layer}' has no ok_T fields: give the units output of the facility gap analysis.</source>
      <translation>图层“{layer}”没有 ok_T 字段：请提供设施短板分析输出的单元图层。</translation>
    </message>
    <message>
      <source>Give the facility type field of layer '{layer}'.</source>
      <translation>请指定图层“{layer}”的设施类型字段。</translation>
    </message>
    <message>
      <source>A4 landscape</source>
      <translation>A4 横向</translation>
    </message>
    <message>
      <source>A3 landscape</source>
      <translation>A3 横向</translation>
    </message>
    <message>
      <source>A4 portrait</source>
      <translation>A4 纵向</translation>
    </message>
    <message>
      <source>A3 portrait</source>
      <translation>A3 纵向</translation>
    </message>
    <message>
      <source>Layer '{layer}' was loaded without its style: {error}</source>
      <translation>图层“{layer}”已加载，但未能应用样式：{error}</translation>
    </message>
    <message>
      <source>Share of mandatory facility types within reach</source>
      <translation>应配建设施步行可达比例</translation>
    </message>
    <message>
      <source>Within reach, by facility type</source>
      <translation>按设施类型的步行可达情况</translation>
    </message>
    <message>
      <source>Within reach</source>
      <translation>步行可达</translation>
    </message>
    <message>
      <source>Not within reach</source>
      <translation>步行不可达</translation>
    </message>
    <message>
      <source>Covered before</source>
      <translation>原已覆盖</translation>
    </message>
    <message>
      <source>Newly covered by a suggested site</source>
      <translation>建议选址新覆盖</translation>
    </message>
    <message>
      <source>Still not covered</source>
      <translation>仍未覆盖</translation>
    </message>
    <message>
      <source>Unreachable</source>
      <translation>无法到达</translation>
    </message>
    <message>
      <source>Other facility types</source>
      <translation>其他设施类型</translation>
    </message>
    <message>
      <source>{grade} (total ≥ {minimum})</source>
      <translation>{grade}（总分 ≥ {minimum}）</translation>
    </message>
    <message>
      <source>Language of the workbook and map book</source>
      <translation>工作簿和图集的语言</translation>
    </message>
    <message>
      <source>The model file {file} could not be read.</source>
      <translation>无法读取模型文件 {file}。</translation>
    </message>
    <message>
      <source>Line vertices closer than this are the same network node.</source>
      <translation>距离小于此值的线顶点视为同一网络节点。</translation>
    </message>
    <message>
      <source>Distance measures routes in metres. Walking time follows the terrain from the unit to the facility: uphill is slower than downhill (Tobler's hiking function on the DEM), stairs cost their climb, lifts their fixed time. A facility is within reach when the walk takes no longer than the standard's walk_minutes, or its radius walked on flat ground.</source>
      <translation>距离按米计量路线。步行时间沿地形从居住单元走向设施：上坡比下坡慢（在 DEM 上采用 Tobler 徒步函数），台阶计入爬升时间，电梯等按固定时间计。步行用时不超过标准中的 walk_minutes（未给出时为在平地上走完服务半径的时间）即视为可达。</translation>
    </message>
    <message>
      <source>Walking time only: a digital elevation model with heights in metres, in any CRS (geographic degrees too). Heights are interpolated between cell centres every 10 m along the lines; only the part under the network is read. Without it the ground is flat.</source>
      <translation>仅用于步行时间：以米为高程单位的数字高程模型，可为任意坐标参考系（包括经纬度）。沿线每 10 米在栅格单元中心之间插值取高程；只读取网络覆盖范围内的部分。不提供时按平地计算。</translation>
    </message>
    <message>
      <source>Walking time only: the band of the DEM holding the heights; band 1 when empty.</source>
      <translation>仅用于步行时间：DEM 中存放高程的波段；为空时取第 1 波段。</translation>
    </message>
    <message>
      <source>Walking time only: the speed on level ground, more than 0. The default 1.0 m/s makes the standard's 5 minutes 300 m (GB 50180).</source>
      <translation>仅用于步行时间：平地步行速度，须大于 0。默认 1.0 米/秒，即标准中 5 分钟约 300 米（GB 50180）。</translation>
    </message>
    <message>
      <source>Walking time only: true for network lines that are stairs. Stairs climb at 0.30 m/s and descend at 0.45 m/s (vertical) between the heights of their ends. The default reads OpenStreetMap's highway=steps (a field, or GDAL's other_tags); empty: no stairs.</source>
      <translation>仅用于步行时间：对属于台阶的网络线为真。台阶按两端高程之差以竖向 0.30 米/秒上行、0.45 米/秒下行计时。默认读取 OpenStreetMap 的 highway=steps（字段或 GDAL 的 other_tags）；为空则不识别台阶。</translation>
    </message>
    <message>
      <source>Walking time only: true for bridges and tunnels, which run on a straight grade between their ends instead of following the terrain under them. The default reads OpenStreetMap's bridge and tunnel tags; empty: none.</source>
      <translation>仅用于步行时间：对桥梁和隧道为真，它们按两端之间的直线坡度计算，而不随其下方地形起伏。默认读取 OpenStreetMap 的 bridge 和 tunnel 标签；为空则不识别。</translation>
    </message>
    <message>
      <source>Walking time only: seconds to ride a line end to end, either way, for public lifts, escalators and cable cars (waiting included). Empty (NULL): walked as usual.</source>
      <translation>仅用于步行时间：通过该线全程所需秒数（双向相同），用于公共电梯、扶梯和索道等（含等候时间）。为空（NULL）则按步行计算。</translation>
    </message>
    <message>
      <source>Snap tolerance (metres)</source>
      <translation>吸附容差（米）</translation>
    </message>
    <message>
      <source>Units and facilities farther than this from every network line are not joined: their distances are NULL and the reason field says why.</source>
      <translation>与所有网络线的距离都超过此值的单元和设施不接入网络：其距离为空，reason 字段说明原因。</translation>
    </message>
    <message>
      <source>Topology tolerance (metres)</source>
      <translation>拓扑容差（米）</translation>
    </message>
    <message>
      <source>Terrain (DEM)</source>
      <translation>地形（DEM）</translation>
    </message>
    <message>
      <source>DEM band</source>
      <translation>DEM 波段</translation>
    </message>
    <message>
      <source>Walking speed on flat ground (m/s)</source>
      <translation>平地步行速度（米/秒）</translation>
    </message>
    <message>
      <source>Stairs (expression)</source>
      <translation>台阶（表达式）</translation>
    </message>
    <message>
      <source>Bridges and tunnels (expression)</source>
      <translation>桥梁和隧道（表达式）</translation>
    </message>
    <message>
      <source>Fixed time field (seconds)</source>
      <translation>固定通行时间字段（秒）</translation>
    </message>
    <message>
      <source>No walking network given: distances are straight-line, not walking distances.</source>
      <translation>未提供步行网络：距离为直线距离，而非步行距离。</translation>
    </message>
    <message>
      <source>The measure is distance: the DEM is not used.</source>
      <translation>度量方式为距离：不使用 DEM。</translation>
    </message>
    <message>
      <source>Without a network, walking time is the straight line walked on flat ground: the DEM, stairs and lifts are not used.</source>
      <translation>未提供网络时，步行时间按在平地上走完直线距离计算：不使用 DEM、台阶和电梯。</translation>
    </message>
    <message>
      <source>Walking network: {nodes} nodes, {edges} edges, {components} connected parts.</source>
      <translation>步行网络：{nodes} 个节点，{edges} 条边，{components} 个连通部分。</translation>
    </message>
    <message>
      <source>Distance (metres)</source>
      <translation>距离（米）</translation>
    </message>
    <message>
      <source>Walking time (slope, stairs, lifts)</source>
      <translation>步行时间（坡度、台阶、电梯）</translation>
    </message>
    <message>
      <source>Walking speed (WALK_SPEED) must be more than 0 m/s, not {value}.</source>
      <translation>步行速度（WALK_SPEED）必须大于 0 米/秒，而不是 {value}。</translation>
    </message>
    <message>
      <source>Measure (MEASURE) must be 0 (distance) or 1 (walking time), not {value}.</source>
      <translation>度量方式（MEASURE）必须为 0（距离）或 1（步行时间），而不是 {value}。</translation>
    </message>
    <message>
      <source>Walking time at {speed} m/s on flat ground. {notice}</source>
      <translation>按平地步行速度 {speed} 米/秒计算步行时间。{notice}</translation>
    </message>
    <message>
      <source>Layer '{layer}' is unchanged since an earlier run: reused the walking network built earlier.</source>
      <translation>图层“{layer}”自上次运行以来未改变：沿用之前构建的步行网络。</translation>
    </message>
    <message>
      <source>No DEM given: the ground is taken as flat.</source>
      <translation>未提供 DEM：地面按平地计算。</translation>
    </message>
    <message>
      <source>Layer '{layer}' has no usable lines: nothing to walk on.</source>
      <translation>图层“{layer}”没有可用的线：无法构建步行网络。</translation>
    </message>
    <message>
      <source>Terrain from '{layer}' (band {band}, {crs}): {rows} × {columns} cells read under the network.</source>
      <translation>地形取自“{layer}”（第 {band} 波段，{crs}）：读取了网络范围内 {rows} × {columns} 个栅格单元。</translation>
    </message>
    <message>
      <source>{missing} of {points} points along '{layer}' have no height in the DEM (outside it or on nodata cells), at {nodes} vertices: along a line they are filled by a straight grade between the nearest heights the DEM has, and a line without any is walked level. Lines concerned (feature ids): {ids}</source>
      <translation>“{layer}”沿线 {points} 个采样点中有 {missing} 个在 DEM 中没有高程（位于 DEM 之外或无数据单元上），涉及 {nodes} 个顶点：同一条线上按其前后最近的有效高程以直线坡度补齐，完全没有高程的线按平地计算。涉及的线（要素编号）：{ids}</translation>
    </message>
    <message>
      <source>{count} stairs of '{layer}' have no DEM heights and climb their OSM step_count × {height} m; {unknown} of them have no incline tag and are climbed both ways: {ids}</source>
      <translation>“{layer}”中有 {count} 处台阶没有 DEM 高程，按 OSM 的 step_count × {height} 米计算爬升；其中 {unknown} 处没有 incline 标签，两个方向都按上行计算：{ids}</translation>
    </message>
    <message>
      <source>{count} stairs of '{layer}' have neither DEM heights nor a step_count: only their run is walked, no climb: {ids}</source>
      <translation>“{layer}”中有 {count} 处台阶既没有 DEM 高程也没有 step_count：只计水平长度，不计爬升：{ids}</translation>
    </message>
    <message>
      <source>Stairs</source>
      <translation>台阶</translation>
    </message>
    <message>
      <source>Bridges and tunnels</source>
      <translation>桥梁和隧道</translation>
    </message>
    <message>
      <source>stairs</source>
      <translation>台阶</translation>
    </message>
    <message>
      <source>bridges or tunnels</source>
      <translation>桥梁或隧道</translation>
    </message>
    <message>
      <source>Fixed time field (FIXED_TIME_FIELD): layer '{layer}' has no field '{field}'.</source>
      <translation>固定通行时间字段（FIXED_TIME_FIELD）：图层“{layer}”没有字段“{field}”。</translation>
    </message>
    <message>
      <source>{title} ({parameter}): the expression {expression} does not parse: {error}</source>
      <translation>{title}（{parameter}）：表达式 {expression} 无法解析：{error}</translation>
    </message>
    <message>
      <source>{title} ({parameter}): the expression {expression} names {fields}, which layer '{layer}' does not have.</source>
      <translation>{title}（{parameter}）：表达式 {expression} 引用了 {fields}，图层“{layer}”没有这些字段。</translation>
    </message>
    <message>
      <source>Fixed time field (FIXED_TIME_FIELD) '{field}' of layer '{layer}' must hold seconds, a number more than 0 (leave it empty where a line has no fixed time); these features do not (feature id and value): {features}</source>
      <translation>图层“{layer}”的固定通行时间字段（FIXED_TIME_FIELD）“{field}”必须为大于 0 的秒数（没有固定时间的线留空）；以下要素不符合（要素编号及取值）：{features}</translation>
    </message>
    <message>
      <source>{count} lines of '{layer}' are both stairs and a bridge or tunnel: they are taken as stairs.</source>
      <translation>“{layer}”中有 {count} 条线既是台阶又是桥梁或隧道：按台阶计算。</translation>
    </message>
    <message>
      <source>{count} lines of '{layer}' take a fixed time from field '{field}' (lifts, escalators), the same both ways.</source>
      <translation>“{layer}”中有 {count} 条线按字段“{field}”取固定通行时间（电梯、扶梯），双向相同。</translation>
    </message>
    <message>
      <source>{parameter}: the expression {expression} fails on feature {fid} of layer '{layer}': {error}</source>
      <translation>{parameter}：表达式 {expression} 在图层“{layer}”的要素 {fid} 上求值失败：{error}</translation>
    </message>
    <message>
      <source>Layer '{layer}' has no field {fields} and no other_tags: the default {parameter} expression takes that tag as absent on every line, so it finds no {what} through it.</source>
      <translation>图层“{layer}”没有字段 {fields}，也没有 other_tags：默认的 {parameter} 表达式视所有线都没有该标签，因此不会据此识别出{what}。</translation>
    </message>
    <message>
      <source>Layer '{layer}': the default {parameter} expression reads {keys} from other_tags.</source>
      <translation>图层“{layer}”：默认的 {parameter} 表达式从 other_tags 读取 {keys}。</translation>
    </message>
    <message>
      <source>{count} lines of '{layer}' are {what} ({parameter}).</source>
      <translation>“{layer}”中有 {count} 条线为{what}（{parameter}）。</translation>
    </message>
    <message>
      <source>{count} of them are also stairs, bridges or tunnels: their fixed time is used.</source>
      <translation>其中 {count} 条同时是台阶、桥梁或隧道：按其固定通行时间计算。</translation>
    </message>
    <message>
      <source>Output '{output}', file</source>
      <translation>输出“{output}”的文件</translation>
    </message>
    <message>
      <source>Output '{output}' ({parameter}) cannot be written to '{destination}': after a file name an output takes only the layer of a GeoPackage, as file.gpkg|layername=name.</source>
      <translation>输出“{output}”（{parameter}）无法写入“{destination}”：输出在文件名之后只能指定 GeoPackage 的图层，写作 文件.gpkg|layername=图层名。</translation>
    </message>
    <message>
      <source>Output '{output}', table</source>
      <translation>输出“{output}”的表</translation>
    </message>
    <message>
      <source>Cancelled: nothing was written.</source>
      <translation>已取消：未写入任何结果。</translation>
    </message>
    <message>
      <source>{label} {file} could not be written: {reason}</source>
      <translation>{label} {file} 无法写入：{reason}</translation>
    </message>
    <message>
      <source>{label} {file} must end in {suffix}.</source>
      <translation>{label} {file} 的文件名必须以 {suffix} 结尾。</translation>
    </message>
    <message>
      <source>{label} {file}: this output must be written to a file.</source>
      <translation>{label} {file}：该输出只能写入文件。</translation>
    </message>
    <message>
      <source>Writing '{output}'…</source>
      <translation>正在写入“{output}”…</translation>
    </message>
    <message>
      <source>unknown error</source>
      <translation>未知错误</translation>
    </message>
    <message>
      <source>only {found} of {count} features reached the file; is the disk full?</source>
      <translation>只有 {found} 个要素（共 {count} 个）写入了文件；磁盘是否已满？</translation>
    </message>
    <message>
      <source>{label} {table} cannot be written: the schema '{schema}' does not exist</source>
      <translation>{label} {table} 无法写入：模式“{schema}”不存在</translation>
    </message>
    <message>
      <source>{label} {file} could not be created: {reason}</source>
      <translation>{label} {file} 无法创建：{reason}</translation>
    </message>
    <message>
      <source>{label} {table} cannot be written: the database cannot be reached: {reason}</source>
      <translation>{label} {table} 无法写入：无法连接数据库：{reason}</translation>
    </message>
    <message>
      <source>The tables {tables} could not be put in place: {reason}. The older tables are left as they were</source>
      <translation>表 {tables} 无法放到目标位置：{reason}。原有的表均保持不变</translation>
    </message>
    <message>
      <source>Plan store {file}: its coordinate reference system '{crs}' is not known to QGIS, so the project locations cannot be placed</source>
      <translation>规划数据库 {file}：其坐标参照系“{crs}”QGIS 无法识别，项目位置无法定位</translation>
    </message>
    <message>
      <source>A plan store in PostgreSQL is given by its address, e.g. postgres: connection='院内数据库' schema=plan_2025 (a saved QGIS connection; the Plan data dialog shows the address of the store it has open).</source>
      <translation>PostgreSQL 中的规划数据库以地址给出，例如 postgres: connection='院内数据库' schema=plan_2025（一个 QGIS 已保存连接；规划数据对话框会显示当前打开的数据库地址）。</translation>
    </message>
    <message>
      <source>Project statuses to add</source>
      <translation>加入分析的项目状态</translation>
    </message>
    <message>
      <source>Plan store</source>
      <translation>规划数据库</translation>
    </message>
    <message>
      <source>Plan store (*.gpkg);;All files (*)</source>
      <translation>规划数据库 (*.gpkg);;所有文件 (*)</translation>
    </message>
    <message>
      <source>Plan store {file}: {count} projects of the statuses {statuses} are added.</source>
      <translation>规划数据库 {file}：加入状态为 {statuses} 的项目 {count} 个。</translation>
    </message>
    <message>
      <source>Plan store {file} was upgraded from schema version {version}; a backup copy is at {backup}.</source>
      <translation>规划数据库 {file} 已从结构版本 {version} 升级；备份副本位于 {backup}。</translation>
    </message>
    <message>
      <source>Projects whose location cannot be reprojected to {crs}: {projects}</source>
      <translation>位置无法投影到 {crs} 的项目：{projects}</translation>
    </message>
    <message>
      <source>Projects whose facility type the standard does not know, left out: {projects}</source>
      <translation>设施类型不在标准中的项目（已略去）：{projects}</translation>
    </message>
    <message>
      <source>Projects without a location, left out: {projects}</source>
      <translation>没有位置的项目（已略去）：{projects}</translation>
    </message>
    <message>
      <source>There is no saved QGIS PostgreSQL connection named '{name}' (saved connections: {known}). Add it in the Browser panel (PostgreSQL ▸ New Connection), or correct the plan store address</source>
      <translation>没有名为“{name}”的 QGIS PostgreSQL 已保存连接（已保存的连接：{known}）。请在浏览器面板中添加（PostgreSQL ▸ 新建连接），或更正规划数据库地址</translation>
    </message>
    <message>
      <source>The authentication configuration '{authcfg}' of the plan store address could not be used: it is not in this QGIS profile, or the master password was not given</source>
      <translation>无法使用规划数据库地址中的认证配置“{authcfg}”：当前 QGIS 配置文件中没有该配置，或未输入主密码</translation>
    </message>
    <message>
      <source>Plan projects (points)</source>
      <translation>规划项目（点）</translation>
    </message>
    <message>
      <source>Plan projects (areas)</source>
      <translation>规划项目（面）</translation>
    </message>
    <message>
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <source>Plan store {file}: {reason}</source>
      <translation>规划数据库 {file}：{reason}</translation>
    </message>
    <message>
      <source>districts (片区)</source>
      <translation>片区</translation>
    </message>
    <message>
      <source>communities (社区)</source>
      <translation>社区</translation>
    </message>
    <message>
      <source>compounds (小区)</source>
      <translation>小区</translation>
    </message>
    <message>
      <source>The outputs describe the state AFTER the plan: {count} projects are counted as facilities. The plan changes output compares the deficits before and after.</source>
      <translation>输出描述的是规划实施后的状态：{count} 个项目作为设施计入。“规划前后的缺口变化”输出对比规划前后的缺口。</translation>
    </message>
    <message>
      <source>{count} {units} overlap several {parents}; each belongs to the one it overlaps most: {ids}</source>
      <translation>{count} 个{units}与多个{parents}重叠，各自归属于重叠面积最大的一个：{ids}</translation>
    </message>
    <message>
      <source>{count} {units} overlap two {parents} equally; the first in the layer was taken, check them: {ids}</source>
      <translation>{count} 个{units}与两个{parents}的重叠面积相等，已取图层中靠前的一个，请核查：{ids}</translation>
    </message>
    <message>
      <source>{count} pairs of {units} overlap; a facility in both counts for the first one only: {pairs}</source>
      <translation>有 {count} 对{units}相互重叠；位于重叠部分的设施只计入其中第一个：{pairs}</translation>
    </message>
    <message>
      <source>Projects whose id is also the id of an existing facility: {ids}. Choose another facility id field or rename those facilities.</source>
      <translation>以下项目的编号与现状设施的编号相同：{ids}。请选择其他设施编号字段，或重新命名这些设施。</translation>
    </message>
    <message>
      <source>{count} facilities lie outside every unit and serve none: {ids}</source>
      <translation>{count} 处设施不在任何单元内，也未服务任何单元：{ids}</translation>
    </message>
    <message>
      <source>{count} facilities are of types with no count or area rule (coverage only) and are not counted here: {ids}</source>
      <translation>{count} 处设施的类型没有数量或面积要求（只考核覆盖），此处不计入：{ids}</translation>
    </message>
    <message>
      <source>{count} {units} belong to none of the {parents}; their population ({population}) is in no higher unit: {ids}</source>
      <translation>{count} 个{units}不属于任何{parents}，其人口（{population}）未计入上级单元：{ids}</translation>
    </message>
    <message>
      <source>{count} {units} have a population outside the standard's range for their tier (status 规模不符): {ids}</source>
      <translation>{count} 个{units}的人口超出标准对该层级规定的范围（状态为“规模不符”）：{ids}</translation>
    </message>
    <message>
      <source>Layer '{layer}': {count} candidate polygons are smaller than the standard's minimum land area of {area} m² for this type and were skipped: {ids}</source>
      <translation>图层“{layer}”：{count} 个备选地块小于标准规定的该类设施最小用地面积 {area} m²，已跳过：{ids}</translation>
    </message>
    <message>
      <source>No sites are proposed on {count} lines of layer '{layer}' where {expression}</source>
      <translation>图层“{layer}”中满足以下条件的 {count} 条线上不生成点位：{expression}</translation>
    </message>
    <message>
      <source>Layer '{layer}' has no highway, bridge or tunnel field: sites may be proposed on any of its lines (give an expression for lines without sites to exclude some).</source>
      <translation>图层“{layer}”没有 highway、bridge 或 tunnel 字段：其所有线上都可能生成点位（可用“不设点位的网络线”表达式排除部分线）。</translation>
    </message>
    <message>
      <source>The expression for lines without sites is not valid: {error}</source>
      <translation>“不设点位的网络线”表达式无效：{error}</translation>
    </message>
    <message>
      <source>The expression for lines without sites names fields layer '{layer}' does not have: {fields}</source>
      <translation>“不设点位的网络线”表达式用到了图层“{layer}”没有的字段：{fields}</translation>
    </message>
    <message>
      <source>{count} candidate sites proposed along the walking network, about {spacing} m apart, within {reach} m of compounds not served.</source>
      <translation>沿步行网络生成 {count} 个备选点位，间距约 {spacing} 米，均在未覆盖小区 {reach} 米范围内。</translation>
    </message>
    <message>
      <source>Layer '{layer}': {message}</source>
      <translation>图层“{layer}”：{message}</translation>
    </message>
    <message>
      <source>unreachable: not joined to the walking network</source>
      <translation>无法服务：未接入步行网络</translation>
    </message>
    <message>
      <source>{metres} m</source>
      <translation>{metres} 米</translation>
    </message>
    <message>
      <source>exact (integer programme, HiGHS)</source>
      <translation>精确求解（整数规划，HiGHS）</translation>
    </message>
    <message>
      <source>greedy</source>
      <translation>贪心法</translation>
    </message>
    <message>
      <source>covered before</source>
      <translation>原已覆盖</translation>
    </message>
    <message>
      <source>still not covered</source>
      <translation>仍未覆盖</translation>
    </message>
    <message>
      <source>{minutes} min walk</source>
      <translation>步行 {minutes} 分钟</translation>
    </message>
    <message>
      <source>A plan store was given: choose the units' community id field too, so that each suggested site can be filed under its community.</source>
      <translation>已给出规划数据库：请同时选择单元的社区编号字段，以便把每个建议点位归入其社区。</translation>
    </message>
    <message>
      <source>No population is known: sites are chosen to cover the most compounds.</source>
      <translation>没有人口数据：按覆盖小区数最多选址。</translation>
    </message>
    <message>
      <source>Every compound is already served: no new site is needed.</source>
      <translation>所有小区均已覆盖：无需新增点位。</translation>
    </message>
    <message>
      <source>the exact solver gave no answer</source>
      <translation>精确求解器没有给出结果</translation>
    </message>
    <message>
      <source>{count} suggested sites were added to plan store {file} as reserve projects.</source>
      <translation>已将 {count} 个建议点位作为储备项目写入规划数据库 {file}。</translation>
    </message>
    <message>
      <source>Covered before: {units} of {total} compounds, {people} residents ({share}).</source>
      <translation>选址前已覆盖：{total} 个小区中的 {units} 个，{people} 人（{share}）。</translation>
    </message>
    <message>
      <source>{count} candidates, {reaching} of them within {reach} of a compound not served; {idle} reach nobody new.</source>
      <translation>{count} 个备选点位，其中 {reaching} 个在未覆盖小区的 {reach} 范围内；{idle} 个不能新覆盖任何人。</translation>
    </message>
    <message>
      <source>The target share is already reached: no new site is needed.</source>
      <translation>已达到目标覆盖率：无需新增点位。</translation>
    </message>
    <message>
      <source>{count} sites chosen: {people} residents newly covered; share covered {before} → {after}.</source>
      <translation>选中 {count} 个点位：新覆盖 {people} 人；覆盖率 {before} → {after}。</translation>
    </message>
    <message>
      <source>unreachable: no candidate site within {reach}</source>
      <translation>无法服务：{reach} 范围内没有备选点位</translation>
    </message>
    <message>
      <source>newly covered by site {rank} ({id})</source>
      <translation>由第 {rank} 号点位（{id}）新覆盖</translation>
    </message>
    <message>
      <source>{type} suggested site {rank} ({id})</source>
      <translation>{type}建议点位 {rank}（{id}）</translation>
    </message>
    <message>
      <source>Suggested by site suggestion on {date}: newly serves {people} residents in {units} compounds within {reach}.</source>
      <translation>由选址建议于 {date} 生成：在 {reach} 范围内新服务 {units} 个小区的 {people} 名居民。</translation>
    </message>
    <message>
      <source>{count} suggested sites are already projects of plan store {file} (from an earlier run) and are left as they are: {projects}</source>
      <translation>{count} 个建议点位已是规划数据库 {file} 中的项目（来自先前的运行），保持不变：{projects}</translation>
    </message>
    <message>
      <source>Facility type {code} ({name}): a site serves the compounds within {reach}.</source>
      <translation>设施类型 {code}（{name}）：一个点位服务 {reach} 范围内的小区。</translation>
    </message>
    <message>
      <source>{count} candidates are farther than the snap tolerance from the walking network and were left out: {ids}</source>
      <translation>{count} 个备选点位距步行网络超过吸附容差，未参与计算：{ids}</translation>
    </message>
    <message>
      <source>{count} compounds not served are beyond reach of every candidate and set aside: {ids}</source>
      <translation>{count} 个未覆盖小区不在任何备选点位的服务范围内，单独列出、不参与计算：{ids}</translation>
    </message>
    <message>
      <source>Reduced problem: {demands} compounds not served in {groups} groups of compounds reached by the same candidates.</source>
      <translation>约简后的问题：{demands} 个未覆盖小区，按可服务它们的备选点位相同归为 {groups} 组。</translation>
    </message>
    <message>
      <source>The integer programme kept {candidates} candidates; the others are dominated (another candidate reaches everyone they reach).</source>
      <translation>整数规划保留了 {candidates} 个备选点位；其余点位被支配（另有点位能服务到它们所服务的全部小区）。</translation>
    </message>
    <message>
      <source>The target share cannot be reached: the candidates reach only {share} of all residents. The sites below cover everyone they can reach.</source>
      <translation>无法达到目标覆盖率：备选点位最多只能覆盖全部居民的 {share}。下列点位覆盖了所有能覆盖的居民。</translation>
    </message>
    <message>
      <source>Method: {method}; the answer is proven best.</source>
      <translation>求解方法：{method}；结果可证明最优。</translation>
    </message>
    <message>
      <source>scipy.optimize.milp (scipy 1.9 or newer) is not available</source>
      <translation>没有可用的 scipy.optimize.milp（需 scipy 1.9 或更新版本）</translation>
    </message>
    <message>
      <source>the time limit was reached</source>
      <translation>已达到求解时限</translation>
    </message>
    <message>
      <source>at least {count} sites are needed</source>
      <translation>至少需要 {count} 个点位</translation>
    </message>
    <message>
      <source>no choice covers more than {people}</source>
      <translation>任何选址方案最多覆盖 {people} 人</translation>
    </message>
    <message>
      <source>Method: {method}, not proven best because {why}; {bound} (remaining gap {gap}).</source>
      <translation>求解方法：{method}，未能证明最优，原因是{why}；{bound}（剩余差距 {gap}）。</translation>
    </message>
    <message>
      <source>Greedy's guarantee: with k sites it covers at least {factor} of the best possible; for a target it needs at most 1 + ln(target ÷ smallest compound) times the fewest sites.</source>
      <translation>贪心法的保证：选 k 个点位时覆盖人口至少为最优方案的 {factor}；按目标覆盖率选址时所需点位数不超过最少点位数的 1 + ln(目标人口 ÷ 最小小区人口) 倍。</translation>
    </message>
    <message>
      <source>Existing facilities of {types}, which also serve it, count too.</source>
      <translation>可兼顾此类服务的现有 {types} 设施也计入。</translation>
    </message>
    <message>
      <source>{label} {file} could not be written: the folder {folder} does not exist</source>
      <translation>{label} {file} 无法写入：文件夹 {folder} 不存在</translation>
    </message>
    <message>
      <source>{label} {file} could not be written: the folder {folder} is read-only. Make it writable or choose another folder</source>
      <translation>{label} {file} 无法写入：文件夹 {folder} 是只读的。请将其设为可写，或另选文件夹</translation>
    </message>
    <message>
      <source>{label} {file} could not be written: a folder of that name exists</source>
      <translation>{label} {file} 无法写入：已有同名文件夹</translation>
    </message>
    <message>
      <source>{label} {file} could not be written: a file of that name exists</source>
      <translation>{label} {file} 无法写入：已有同名文件</translation>
    </message>
    <message>
      <source>{label} {file} already exists; choose another file name or allow it to be replaced</source>
      <translation>{label} {file} 已存在；请另选文件名，或允许覆盖该文件</translation>
    </message>
    <message>
      <source>{label} {file} cannot be replaced: the file is read-only. Make it writable or choose another file name; the existing file is left as it was</source>
      <translation>{label} {file} 无法覆盖：该文件是只读的。请将其设为可写，或另选文件名；原有文件保持不变</translation>
    </message>
    <message>
      <source>{label} {file} cannot be replaced: it is being edited in QGIS or another program ({busy} is beside it). Save or stop the edits, then run again; the existing file is left as it was</source>
      <translation>{label} {file} 无法覆盖：该文件正在 QGIS 或其他程序中编辑（旁边有 {busy}）。请保存或结束编辑后重新运行；原有文件保持不变</translation>
    </message>
    <message>
      <source>{label} {file} cannot be replaced: {reason}. Close it in Excel or another program, or check that it is not read-only; the existing file is left as it was</source>
      <translation>{label} {file} 无法覆盖：{reason}。请在 Excel 或其他程序中关闭该文件，或检查它是否为只读；原有文件保持不变</translation>
    </message>
    <message>
      <source>{label} {file} could not be written: {reason}. Nothing was changed; check that the folder is writable and has free space</source>
      <translation>{label} {file} 无法写入：{reason}。未做任何更改；请检查文件夹是否可写、磁盘空间是否充足</translation>
    </message>
    <message>
      <source>{label} {file} could not be put in place: {reason}. Every existing file is left as it was</source>
      <translation>{label} {file} 无法放到目标位置：{reason}。所有原有文件均保持不变</translation>
    </message>
    <message>
      <source>{label} {file} could not be put in place ({reason}), and the older file could not be put back: it is kept as {kept}</source>
      <translation>{label} {file} 无法放到目标位置（{reason}），原有文件也未能恢复：它保存在 {kept}</translation>
    </message>
    <message>
      <source>{label} {file} is named twice, also as {other} {file}; give the outputs different files</source>
      <translation>{label} {file} 被指定了两次，另一次是{other} {file}；请为各输出指定不同的文件</translation>
    </message>
    <message>
      <source>Residential unit {unit_id}: its location has no valid coordinates</source>
      <translation>居住单元 {unit_id}：位置没有有效坐标</translation>
    </message>
    <message>
      <source>Facility {facility_id}: its location has no valid coordinates</source>
      <translation>设施 {facility_id}：位置没有有效坐标</translation>
    </message>
    <message>
      <source>The maximum distance must be a positive number of metres, not {value}</source>
      <translation>搜索上限必须是正的米数，而不是 {value}</translation>
    </message>
    <message>
      <source>The snap tolerance must be a non-negative number of metres, not {value}</source>
      <translation>吸附容差必须是非负的米数，而不是 {value}</translation>
    </message>
    <message>
      <source>Residential unit {unit_id}: population {value} is negative</source>
      <translation>居住单元 {unit_id}：人口 {value} 为负值</translation>
    </message>
    <message>
      <source>Facility type {code} appears more than once</source>
      <translation>设施类型 {code} 出现了不止一次</translation>
    </message>
    <message>
      <source>Facility type {code}: radius {radius} m is not a non-negative number</source>
      <translation>设施类型 {code}：服务半径 {radius} 米不是非负数</translation>
    </message>
    <message>
      <source>Facility type {code}: walking time {value} min is not a positive number</source>
      <translation>设施类型 {code}：步行时间 {value} 分钟不是正数</translation>
    </message>
    <message>
      <source>Facility type {code}: its radius of {radius} m is beyond the search cut-off of {max_distance} m, so coverage cannot be judged; raise the maximum distance</source>
      <translation>设施类型 {code}：服务半径 {radius} 米超过搜索上限 {max_distance} 米，无法判断覆盖情况；请提高搜索上限</translation>
    </message>
    <message>
      <source>Facility type {code}: its walking time of {minutes} min is beyond the search cut-off of {max_minutes} min (the time to walk the maximum distance of {max_distance} m on flat ground), so coverage cannot be judged; raise the maximum distance</source>
      <translation>设施类型 {code}：其步行时间 {minutes} 分钟超过搜索上限 {max_minutes} 分钟（在平地上步行最大距离 {max_distance} 米所需的时间），无法判断覆盖情况；请提高最大距离</translation>
    </message>
    <message>
      <source>Communities chosen for the map book but not in layer '{layer}': {ids}</source>
      <translation>以下选定出图的社区不在图层“{layer}”中：{ids}</translation>
    </message>
    <message>
      <source>Layer '{layer}' has no community to draw</source>
      <translation>图层“{layer}”中没有可绘制的社区</translation>
    </message>
    <message>
      <source>{low}–{high} % of mandatory types within reach</source>
      <translation>{low}–{high}% 的应配建设施步行可达</translation>
    </message>
    <message>
      <source>Communities: {communities} · districts: {districts}</source>
      <translation>社区 {communities} 个 · 片区 {districts} 个</translation>
    </message>
    <message>
      <source>… and {count} more communities on the pages that follow.</source>
      <translation>……另有 {count} 个社区，见后续各页。</translation>
    </message>
    <message>
      <source>… and {count} more compounds: see the gap list of the evaluation workbook.</source>
      <translation>……另有 {count} 个小区，详见评价工作簿的短板清单。</translation>
    </message>
    <message>
      <source>{name} ({id})</source>
      <translation>{name}（{id}）</translation>
    </message>
    <message>
      <source>Total {total} of {maximum} · {grade}</source>
      <translation>总分 {total} / {maximum} · {grade}</translation>
    </message>
    <message>
      <source>Compounds: {compounds} · residents: {population}</source>
      <translation>小区 {compounds} 个 · 居民 {population} 人</translation>
    </message>
    <message>
      <source>Compounds lacking mandatory types within reach: {gaps} · residents with all of them: {share}</source>
      <translation>缺少应配建设施的小区 {gaps} 个 · 应配建设施全部可达的居民 {share}</translation>
    </message>
    <message>
      <source>All</source>
      <translation>全部可达</translation>
    </message>
    <message>
      <source>All mandatory types within reach</source>
      <translation>应配建设施全部步行可达</translation>
    </message>
    <message>
      <source>… ({count} in all)</source>
      <translation>等，共 {count} 类</translation>
    </message>
    <message>
      <source>Not scored: give the rubric scores to show the total and grade</source>
      <translation>未评分：提供评价细则评分结果后显示总分和等级</translation>
    </message>
    <message>
      <source>Provisional: manual points still to be scored (up to {upper})</source>
      <translation>暂定：仍有人工评分项待评（最高可达 {upper}）</translation>
    </message>
    <message>
      <source>No compound of the gap result lies in this community.</source>
      <translation>设施短板结果中没有位于本社区的小区。</translation>
    </message>
    <message>
      <source>Network line {line_id}: a vertex has no valid coordinates</source>
      <translation>网络线 {line_id}：有顶点没有有效坐标</translation>
    </message>
    <message>
      <source>Network line {line_id}: walking cost factor {value} is not a non-negative number</source>
      <translation>网络线 {line_id}：步行成本系数 {value} 不是非负数</translation>
    </message>
    <message>
      <source>Walking model {file}: the file must be a mapping of fields (name, version, notice, hiking_function, piece_length_m, walk_speed_m_per_s, stairs, defaults), got '{value}'</source>
      <translation>步行模型 {file}：文件必须是由字段组成的映射（name、version、notice、hiking_function、piece_length_m、walk_speed_m_per_s、stairs、defaults），实际为 '{value}'</translation>
    </message>
    <message>
      <source>Walking model {file}: field 'hiking_function.b' (the grade walked fastest, downhill) must be at least 0 and below 1, got '{value}'</source>
      <translation>步行模型 {file}：字段 'hiking_function.b'（步行最快的坡度，下坡）必须不小于 0 且小于 1，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Walking model {file}: required field '{field}' is missing</source>
      <translation>步行模型 {file}：缺少必填字段 '{field}'</translation>
    </message>
    <message>
      <source>Walking model {file}: unknown field '{field}' (a typo?); allowed fields: {allowed}</source>
      <translation>步行模型 {file}：未知字段 '{field}'（拼写错误？）；允许的字段：{allowed}</translation>
    </message>
    <message>
      <source>Walking model {file}: field '{field}' must be a mapping of 'key: value' entries, got '{value}'</source>
      <translation>步行模型 {file}：字段 '{field}' 必须是由 'key: value' 条目组成的映射，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Walking model {file}: field '{field}' must be non-empty text, got '{value}'</source>
      <translation>步行模型 {file}：字段 '{field}' 必须是非空文本，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Walking model {file}: field '{field}' must be a number, got '{value}'</source>
      <translation>步行模型 {file}：字段 '{field}' 必须是数字，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Walking model {file}: field '{field}' must be a positive number, got '{value}'</source>
      <translation>步行模型 {file}：字段 '{field}' 必须是正数，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Walking model {file} was not found</source>
      <translation>步行模型 {file} 不存在</translation>
    </message>
    <message>
      <source>Walking model {file}: unsupported file type '{suffix}'; use one of {allowed}</source>
      <translation>步行模型 {file}：不支持的文件类型 '{suffix}'；请使用以下类型之一：{allowed}</translation>
    </message>
    <message>
      <source>Walking model {file} is not UTF-8 text (undecodable byte at {position})</source>
      <translation>步行模型 {file} 不是 UTF-8 文本（无法解码的字节位于 {position}）</translation>
    </message>
    <message>
      <source>Walking model {file} could not be read: {reason}</source>
      <translation>无法读取步行模型 {file}：{reason}</translation>
    </message>
    <message>
      <source>Walking model {file} is empty</source>
      <translation>步行模型 {file} 为空</translation>
    </message>
    <message>
      <source>Walking model {file}: syntax error at line {line}, column {column}: {problem}</source>
      <translation>步行模型 {file}：第 {line} 行第 {column} 列语法错误：{problem}</translation>
    </message>
    <message>
      <source>Walking model {file}: syntax error: {problem}</source>
      <translation>步行模型 {file}：语法错误：{problem}</translation>
    </message>
    <message>
      <source>Walking model {file}: key '{key}' appears twice in the same mapping (line {line})</source>
      <translation>步行模型 {file}：键 '{key}' 在同一映射中出现两次（第 {line} 行）</translation>
    </message>
    <message>
      <source>Walking model {file}: key '{key}' appears twice in the same mapping</source>
      <translation>步行模型 {file}：键 '{key}' 在同一映射中出现两次</translation>
    </message>
    <message>
      <source>The walking speed must be a positive number of metres per second, not {value}</source>
      <translation>步行速度必须是正数（米/秒），而不是 {value}</translation>
    </message>
    <message>
      <source>The DEM gives no height anywhere on the walking network: all {count} points asked lie outside it or on nodata cells. Check that the DEM covers the network's area.</source>
      <translation>DEM 在步行网络上任何位置都没有高程：所查询的全部 {count} 个点都位于 DEM 范围之外或无数据像元上。请检查 DEM 是否覆盖网络所在区域。</translation>
    </message>
    <message>
      <source>Network line {line_id}: fixed time {value} is not a positive number of seconds (leave it empty for a line without a fixed time)</source>
      <translation>网络线 {line_id}：固定通行时间 {value} 不是正的秒数（没有固定时间的线请留空）</translation>
    </message>
    <message>
      <source>Network line {line_id}: step count {value} is not a non-negative number</source>
      <translation>网络线 {line_id}：台阶数 {value} 不是非负数</translation>
    </message>
    <message>
      <source>Reading and writing Excel files needs the Python package 'openpyxl', which this Python lacks. Install it (on Windows: 'python -m pip install openpyxl' in the OSGeo4W Shell; on Linux: the package python3-openpyxl) and restart QGIS.</source>
      <translation>读写 Excel 文件需要 Python 包“openpyxl”，当前 Python 中没有安装。请安装（Windows：在 OSGeo4W Shell 中运行“python -m pip install openpyxl”；Linux：安装软件包 python3-openpyxl）后重启 QGIS。</translation>
    </message>
    <message>
      <source>Projects workbook {file} was not found</source>
      <translation>项目库工作簿 {file} 不存在</translation>
    </message>
    <message>
      <source>Projects workbook {file} could not be read as an .xlsx workbook: {reason}</source>
      <translation>项目库工作簿 {file} 无法作为 .xlsx 工作簿读取：{reason}</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}': column '{column}' is missing</source>
      <translation>工作簿 {file}，工作表“{sheet}”：缺少“{column}”列</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', column {column}: unknown header '{value}'; allowed columns: {allowed}</source>
      <translation>工作簿 {file}，工作表“{sheet}”，{column} 列：未知表头“{value}”；允许的列：{allowed}</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', column {column}: column '{key}' appears twice</source>
      <translation>工作簿 {file}，工作表“{sheet}”，{column} 列：“{key}”列出现两次</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} (id): project id '{value}' is already used in row {other}</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（id）：项目编号“{value}”已在第 {other} 行使用</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): x and y must both be given or both be empty</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：x 与 y 必须同时填写或同时留空</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}': there are no project rows</source>
      <translation>工作簿 {file}，工作表“{sheet}”：没有项目数据行</translation>
    </message>
    <message>
      <source>Projects workbook</source>
      <translation>项目库工作簿</translation>
    </message>
    <message>
      <source>Plan store {file} was not found</source>
      <translation>规划数据库 {file} 不存在</translation>
    </message>
    <message>
      <source>{file} is not a plan store: it is not a GeoPackage (not even an SQLite database). The file was left unchanged</source>
      <translation>{file} 不是规划数据库：它不是 GeoPackage（甚至不是 SQLite 数据库）。文件未作任何改动</translation>
    </message>
    <message>
      <source>{file} is not a plan store: it is an SQLite database but not a GeoPackage. The file was left unchanged</source>
      <translation>{file} 不是规划数据库：它是 SQLite 数据库，但不是 GeoPackage。文件未作任何改动</translation>
    </message>
    <message>
      <source>{file} is not a plan store: it is a GeoPackage without the plan tables (no '{table}' table of format '{format}'). The file was left unchanged</source>
      <translation>{file} 不是规划数据库：它是 GeoPackage，但没有规划数据表（没有格式为“{format}”的“{table}”表）。文件未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file} could not be read: {reason}. The file was left unchanged</source>
      <translation>规划数据库 {file} 无法读取：{reason}。文件未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file}: the schema version '{version}' in table plan_meta is not a whole number of 1 or more. The file was left unchanged</source>
      <translation>规划数据库 {file}：plan_meta 表中的结构版本“{version}”不是大于等于 1 的整数。文件未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file} was written by a newer version of the plugin (schema version {version}; this version reads up to {supported}). Update the plugin. The file was left unchanged</source>
      <translation>规划数据库 {file} 由更新版本的插件写入（结构版本 {version}；本版本最高只能读取 {supported}）。请升级插件。文件未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file} was written by an older version of the plugin (schema version {version}) and must be upgraded, but the file is read-only. Make it writable, or open a writable copy. The file was left unchanged</source>
      <translation>规划数据库 {file} 由旧版本插件写入（结构版本 {version}），需要升级，但文件为只读。请将其设为可写，或打开一个可写的副本。文件未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file}: the backup copy {backup} could not be written before the upgrade ({reason}). The file was left unchanged</source>
      <translation>规划数据库 {file}：升级前无法写入备份副本 {backup}（{reason}）。文件未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file}: the upgrade from schema version {version} failed ({reason}). The file was left as it was; a backup copy is at {backup}</source>
      <translation>规划数据库 {file}：从结构版本 {version} 升级失败（{reason}）。文件保持原样；备份副本位于 {backup}</translation>
    </message>
    <message>
      <source>Plan store {file}: table plan_info has no row; the file is damaged</source>
      <translation>规划数据库 {file}：plan_info 表中没有记录，文件已损坏</translation>
    </message>
    <message>
      <source>Plan store {file} is read-only, so nothing was saved. Your entries are kept: save them to a writable copy, or make the file writable and save again</source>
      <translation>规划数据库 {file} 为只读，未保存任何内容。您录入的数据仍然保留：请保存到一个可写的副本，或将文件设为可写后再次保存</translation>
    </message>
    <message>
      <source>Plan store {file}: saving failed ({reason}). The file was left as it was before the save, and your entries are kept</source>
      <translation>规划数据库 {file}：保存失败（{reason}）。文件保持保存前的状态，您录入的数据仍然保留</translation>
    </message>
    <message>
      <source>Plan store {file} already exists; open it, or choose another file name</source>
      <translation>规划数据库 {file} 已存在；请打开它，或另选文件名</translation>
    </message>
    <message>
      <source>Plan store {file}: the file name must end in .gpkg</source>
      <translation>规划数据库 {file}：文件名必须以 .gpkg 结尾</translation>
    </message>
    <message>
      <source>Plan store {file} could not be created: {reason}</source>
      <translation>无法创建规划数据库 {file}：{reason}</translation>
    </message>
    <message>
      <source>Plan store {file} could not be copied to {target}: {reason}</source>
      <translation>无法将规划数据库 {file} 复制到 {target}：{reason}</translation>
    </message>
    <message>
      <source>A plan store in PostgreSQL needs the Python package 'psycopg2', which this Python lacks. QGIS's Windows and macOS installers include it; on Linux install python3-psycopg2 (or 'python -m pip install psycopg2-binary') and restart QGIS</source>
      <translation>PostgreSQL 中的规划数据库需要 Python 包“psycopg2”，当前 Python 没有安装。QGIS 的 Windows 和 macOS 安装包已自带；Linux 上请安装 python3-psycopg2（或运行“python -m pip install psycopg2-binary”），然后重启 QGIS</translation>
    </message>
    <message>
      <source>Plan store address '{address}' cannot be read: {problem}. Write it like postgres: connection='my connection' schema=plan_2025, or postgres: service=plans schema=plan_2025</source>
      <translation>无法识别规划数据库地址“{address}”：{problem}。请写成 postgres: connection='我的连接' schema=plan_2025，或 postgres: service=plans schema=plan_2025</translation>
    </message>
    <message>
      <source>Plan store address '{address}': a password must not be written into a plan store address (it would be kept in projects, models and logs). Use a saved QGIS connection with an authentication configuration, a PostgreSQL service file or ~/.pgpass instead</source>
      <translation>规划数据库地址“{address}”：地址中不得写入密码（否则会保存在工程、模型和日志中）。请改用带认证配置的 QGIS 已保存连接、PostgreSQL 服务文件或 ~/.pgpass</translation>
    </message>
    <message>
      <source>Plan store {file}: the address names a saved QGIS connection or authentication configuration, which only the plugin inside QGIS (or qgis_process) can resolve</source>
      <translation>规划数据库 {file}：地址引用了 QGIS 已保存的连接或认证配置，只有在 QGIS（或 qgis_process）中运行的插件才能解析</translation>
    </message>
    <message>
      <source>Plan store {file}: could not connect to the database: {reason}</source>
      <translation>规划数据库 {file}：无法连接数据库：{reason}</translation>
    </message>
    <message>
      <source>Plan store {file}: the database has no PostGIS. Ask its administrator to run CREATE EXTENSION postgis in it</source>
      <translation>规划数据库 {file}：该数据库未安装 PostGIS。请数据库管理员在其中执行 CREATE EXTENSION postgis</translation>
    </message>
    <message>
      <source>Plan store {file}: the database has no schema '{schema}'</source>
      <translation>规划数据库 {file}：数据库中没有模式“{schema}”</translation>
    </message>
    <message>
      <source>{file} is not a plan store: it has no '{table}' table of format '{format}'. The schema was left unchanged</source>
      <translation>{file} 不是规划数据库：其中没有格式为“{format}”的“{table}”表。该模式未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file}: the schema version '{version}' in table plan_meta is not a whole number of 1 or more. The schema was left unchanged</source>
      <translation>规划数据库 {file}：plan_meta 表中的结构版本“{version}”不是大于等于 1 的整数。该模式未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file} was written by a newer version of the plugin (schema version {version}; this version reads up to {supported}). Update the plugin. The schema was left unchanged</source>
      <translation>规划数据库 {file} 由更新版本的插件写入（结构版本 {version}；本版本最高可读 {supported}）。请升级插件。该模式未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file}: table plan_info has no row; the store is damaged</source>
      <translation>规划数据库 {file}：plan_info 表没有记录，数据库已损坏</translation>
    </message>
    <message>
      <source>Plan store {file}: database role {role} may only read this plan, so it is open read-only and nothing was saved. Your entries are kept: save them to a GeoPackage copy, or ask the database administrator for editing rights</source>
      <translation>规划数据库 {file}：数据库角色 {role} 对该规划只有读取权限，因此以只读方式打开，未保存任何内容。您的录入均已保留：可另存为 GeoPackage 副本，或请数据库管理员授予编辑权限</translation>
    </message>
    <message>
      <source>Plan store {file}: saving failed ({reason}). The database undid the whole save, so the plan is as it was before, and your entries are kept</source>
      <translation>规划数据库 {file}：保存失败（{reason}）。数据库已撤销整个保存，规划保持保存前的状态，您的录入均已保留</translation>
    </message>
    <message>
      <source>Plan store {file}: the connection to the database was lost while saving ({reason}). The database undoes an unfinished save, so nothing of it was written; your entries are kept. Save again when the database can be reached</source>
      <translation>规划数据库 {file}：保存过程中与数据库的连接中断（{reason}）。数据库会撤销未完成的保存，因此本次保存的内容均未写入；您的录入均已保留。数据库恢复连接后请重新保存</translation>
    </message>
    <message>
      <source>Plan store {file} was written by an older version of the plugin (schema version {version}) and must be upgraded by the role that owns its tables; database role {role} may not ({reason}). Ask the schema's owner to open it once with this version. The schema was left unchanged</source>
      <translation>规划数据库 {file} 由旧版本插件写入（结构版本 {version}），必须由拥有其各表的角色升级；数据库角色 {role} 无权升级（{reason}）。请该模式的所有者用本版本打开一次。该模式未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file}: the upgrade from schema version {version} failed ({reason}); it needs the role that owns the schema's tables and the right to create a backup schema. The schema was left unchanged</source>
      <translation>规划数据库 {file}：从结构版本 {version} 升级失败（{reason}）；升级需要拥有该模式各表的角色，并有权创建备份模式。该模式未作任何改动</translation>
    </message>
    <message>
      <source>Plan store {file}: schema '{schema}' already holds a plan store; open it, or choose another schema name</source>
      <translation>规划数据库 {file}：模式“{schema}”中已有规划数据库；请直接打开，或另选模式名称</translation>
    </message>
    <message>
      <source>Plan store {file}: a plan store in a database is never replaced by the plugin; drop schema '{schema}' yourself first if you really mean to, or choose another schema name</source>
      <translation>规划数据库 {file}：插件从不替换数据库中的规划数据库；如确需替换，请先自行删除模式“{schema}”，或另选模式名称</translation>
    </message>
    <message>
      <source>Plan store {file}: schema '{schema}' already holds other tables ({tables}); create the plan store in a new or an empty schema</source>
      <translation>规划数据库 {file}：模式“{schema}”中已有其他表（{tables}）；请在新的或空的模式中创建规划数据库</translation>
    </message>
    <message>
      <source>Plan store {file}: the coordinate reference system {crs} is not in the database's spatial_ref_sys table; choose an EPSG system the database knows</source>
      <translation>规划数据库 {file}：坐标参照系 {crs} 不在数据库的 spatial_ref_sys 表中；请选择数据库已有的 EPSG 坐标系</translation>
    </message>
    <message>
      <source>Plan store {file} could not be created: {reason}. Nothing was created</source>
      <translation>无法创建规划数据库 {file}：{reason}。未创建任何内容</translation>
    </message>
    <message>
      <source>Coordinate reference system '{crs}' is not in the built-in table (EPSG {known}); pass its WKT definition as well</source>
      <translation>坐标参照系“{crs}”不在内置列表中（EPSG {known}）；请同时提供其 WKT 定义</translation>
    </message>
    <message>
      <source>Coordinate reference system '{crs}' must be written like EPSG:32650 (an authority, a colon and a number)</source>
      <translation>坐标参照系“{crs}”须写作 EPSG:32650 的形式（机构名、冒号和编号）</translation>
    </message>
    <message>
      <source>Coordinate reference system '{crs}': its WKT definition is empty</source>
      <translation>坐标参照系“{crs}”：其 WKT 定义为空</translation>
    </message>
    <message>
      <source>Plan store {file}: its coordinate reference system is {crs}; it cannot be changed to {other}, because the project locations are stored in it</source>
      <translation>规划数据库 {file}：其坐标参照系为 {crs}，不能改为 {other}，因为项目位置是以该坐标系存储的</translation>
    </message>
    <message>
      <source>Plan store {file}, table '{table}', record {record}: the location could not be read ({reason})</source>
      <translation>规划数据库 {file}，表“{table}”，记录 {record}：无法读取位置（{reason}）</translation>
    </message>
    <message>
      <source>Projects without a location cannot be added as facilities: {records}. Pick their locations on the map first, or leave them out</source>
      <translation>没有位置的项目无法作为设施加入：{records}。请先在地图上选取其位置，或不纳入这些项目</translation>
    </message>
    <message>
      <source>Unknown project status '{value}'; the statuses are {allowed}</source>
      <translation>未知的项目状态“{value}”；可用状态为 {allowed}</translation>
    </message>
    <message>
      <source>{first} ({count} more records were refused the same way)</source>
      <translation>{first}（另有 {count} 条记录因同样原因未保存）</translation>
    </message>
    <message>
      <source>{conflicts}. Your other changes were saved</source>
      <translation>{conflicts}。您的其他修改已保存</translation>
    </message>
    <message>
      <source>{conflicts}. Nothing was saved</source>
      <translation>{conflicts}。未保存任何内容</translation>
    </message>
    <message>
      <source>{conflicts}.</source>
      <translation>{conflicts}。</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: changed by {user} at {time} since you read it, so your changes to it were not saved. Read it again to see that change, then apply yours</source>
      <translation>表“{table}”，记录 {record}：在您读取之后已被 {user} 于 {time} 修改，因此您对它的修改未保存。请重新读取以查看该修改，再重新录入您的修改</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: changed outside the plugin at {time} since you read it, so your changes to it were not saved. Read it again to see that change, then apply yours</source>
      <translation>表“{table}”，记录 {record}：在您读取之后已于 {time} 在插件之外被修改，因此您对它的修改未保存。请重新读取以查看该修改，再重新录入您的修改</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: deleted by {user} at {time} since you read it, so your changes to it were not saved</source>
      <translation>表“{table}”，记录 {record}：在您读取之后已被 {user} 于 {time} 删除，因此您对它的修改未保存</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: deleted outside the plugin since you read it, so your changes to it were not saved</source>
      <translation>表“{table}”，记录 {record}：在您读取之后已在插件之外被删除，因此您对它的修改未保存</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: changed by {user} at {time} since you read it, so it was not deleted. Read it again to see that change</source>
      <translation>表“{table}”，记录 {record}：在您读取之后已被 {user} 于 {time} 修改，因此未删除。请重新读取以查看该修改</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: changed outside the plugin at {time} since you read it, so it was not deleted. Read it again to see that change</source>
      <translation>表“{table}”，记录 {record}：在您读取之后已于 {time} 在插件之外被修改，因此未删除。请重新读取以查看该修改</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: saved twice in one save (the same {fields}); keep one</source>
      <translation>表“{table}”，记录 {record}：在一次保存中出现两次（{fields} 相同）；请只保留一条</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' is required but empty</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”为必填项，但为空</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' must be a number, got '{value}'</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”必须是数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' must be a number greater than 0, got '{value}'</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”必须是大于 0 的数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' must be a year from {min} to {max}, got '{value}'</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”必须是 {min} 至 {max} 之间的年份，实际为“{value}”</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' ({value}) must not be earlier than field '{other}' ({other_value})</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”（{value}）不得早于字段“{other}”（{other_value}）</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' must be one of {allowed}; got '{value}'</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”必须是 {allowed} 之一；实际为“{value}”</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}': '{value}' is not a facility type of the standard '{standard}'</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”：“{value}”不是标准“{standard}”中的设施类型</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' must be a facility type code (lower-case letters, digits and _, starting with a letter), got '{value}'</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”必须是设施类型代码（小写字母、数字和 _，以字母开头），实际为“{value}”</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' must be a point or a polygon with finite coordinates, got {value}</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”必须是坐标为有限数值的点或面，实际为 {value}</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' is not a valid polygon: {reason}</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”不是有效的面：{reason}</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' must be from 0 to the point's maximum {max}, got '{value}'</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”必须在 0 至该评分点满分 {max} 之间，实际为“{value}”</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' must be a number of 0 or more, got '{value}'</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”必须是大于等于 0 的数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}': the rubric has no scoring point '{value}'</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”：评分细则中没有评分点“{value}”</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}': point '{value}' is computed from indicator '{indicator}', so it is not scored by hand</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”：评分点“{value}”由指标“{indicator}”自动计算，不能人工评分</translation>
    </message>
    <message>
      <source>Table '{table}', record {record}: field '{field}' must be a date written YYYY-MM-DD, got '{value}'</source>
      <translation>表“{table}”，记录 {record}：字段“{field}”必须是 YYYY-MM-DD 格式的日期，实际为“{value}”</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): the cell is empty</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：单元格为空</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a number, got '{value}'</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：必须是数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a number greater than 0, got '{value}'</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：必须是大于 0 的数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a year from {min} to {max}, got '{value}'</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：必须是 {min} 至 {max} 之间的年份，实际为“{value}”</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): {value} must not be earlier than {other} ({other_value})</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：{value} 不得早于 {other}（{other_value}）</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be one of {allowed}; got '{value}'</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：必须是 {allowed} 之一；实际为“{value}”</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): '{value}' is not a facility type of the standard '{standard}'</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：“{value}”不是标准“{standard}”中的设施类型</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a facility type code (lower-case letters, digits and _, starting with a letter), got '{value}'</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：必须是设施类型代码（小写字母、数字和 _，以字母开头），实际为“{value}”</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a point or a polygon with finite coordinates, got {value}</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：必须是坐标为有限数值的点或面，实际为 {value}</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): not a valid polygon: {reason}</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：不是有效的面：{reason}</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be from 0 to the point's maximum {max}, got '{value}'</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：必须在 0 至该评分点满分 {max} 之间，实际为“{value}”</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a number of 0 or more, got '{value}'</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：必须是大于等于 0 的数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): the rubric has no scoring point '{value}'</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：评分细则中没有评分点“{value}”</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): point '{value}' is computed from indicator '{indicator}', so it is not scored by hand</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：评分点“{value}”由指标“{indicator}”自动计算，不能人工评分</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', row {row}, column {column} ({field}): must be a date written YYYY-MM-DD, got '{value}'</source>
      <translation>工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{field}）：必须是 YYYY-MM-DD 格式的日期，实际为“{value}”</translation>
    </message>
    <message>
      <source>{tier} unit {unit_id} appears more than once; ids must be unique per tier</source>
      <translation>{tier} 单元 {unit_id} 重复出现；同一层级内编号必须唯一</translation>
    </message>
    <message>
      <source>{tier} unit {unit_id}: its parent {parent_id} is not one of the {parent_tier} units</source>
      <translation>{tier} 单元 {unit_id}：其上级 {parent_id} 不在 {parent_tier} 单元中</translation>
    </message>
    <message>
      <source>{tier} unit {unit_id}: population is missing</source>
      <translation>{tier} 单元 {unit_id}：缺少人口</translation>
    </message>
    <message>
      <source>{tier} unit {unit_id}: population '{value}' is not a number</source>
      <translation>{tier} 单元 {unit_id}：人口“{value}”不是数字</translation>
    </message>
    <message>
      <source>{tier} unit {unit_id}: population {value} is negative</source>
      <translation>{tier} 单元 {unit_id}：人口 {value} 为负数</translation>
    </message>
    <message>
      <source>Facility {facility_id} appears more than once; ids must be unique</source>
      <translation>设施 {facility_id} 重复出现；设施编号必须唯一</translation>
    </message>
    <message>
      <source>Facility {facility_id}: field '{field}' holds '{value}', which is not a number</source>
      <translation>设施 {facility_id}：字段“{field}”的值“{value}”不是数字</translation>
    </message>
    <message>
      <source>Facility {facility_id}: field '{field}' is negative ({value})</source>
      <translation>设施 {facility_id}：字段“{field}”为负数（{value}）</translation>
    </message>
    <message>
      <source>Facility {facility_id}: it is said to lie in {tier} unit {unit_id}, which does not exist</source>
      <translation>设施 {facility_id}：所在的 {tier} 单元 {unit_id} 不存在</translation>
    </message>
    <message>
      <source>Community {community}, point {point}: manual score {score} is outside 0 to the point's maximum {max}</source>
      <translation>社区 {community}，评分点 {point}：人工评分 {score} 超出 0 至该评分点满分 {max} 的范围</translation>
    </message>
    <message>
      <source>Community {community}, point {point}: manual score '{value}' is not a number</source>
      <translation>社区 {community}，评分点 {point}：人工评分“{value}”不是数字</translation>
    </message>
    <message>
      <source>Community {community}: manual score for point '{point}', which the rubric does not have</source>
      <translation>社区 {community}：给出了评分点“{point}”的人工评分，但评分细则中没有该评分点</translation>
    </message>
    <message>
      <source>Community {community}, point {point}: the point is computed from indicator '{indicator}' ({method}), so a manual score cannot be given for it</source>
      <translation>社区 {community}，评分点 {point}：该评分点由指标“{indicator}”（{method}）计算得出，不能人工评分</translation>
    </message>
    <message>
      <source>Community {community}: indicator '{indicator}' must be a number or empty, got '{value}'</source>
      <translation>社区 {community}：指标“{indicator}”必须是数字或为空，实际为“{value}”</translation>
    </message>
    <message>
      <source>Manual score for community '{community}', point {point}: no such community is being scored</source>
      <translation>社区“{community}”评分点 {point} 的人工评分：本次评分的社区中没有该社区</translation>
    </message>
    <message>
      <source>Community {community}, point {point}: more than one manual score is given</source>
      <translation>社区 {community}，评分点 {point}：给出了不止一个人工评分</translation>
    </message>
    <message>
      <source>{source}, row {row}: the row must be a mapping of column to value</source>
      <translation>{source}，第 {row} 行：该行必须是由列名到值的映射</translation>
    </message>
    <message>
      <source>{source}, row {row}: column '{column}' is empty or missing</source>
      <translation>{source}，第 {row} 行：列“{column}”为空或缺失</translation>
    </message>
    <message>
      <source>{source}, row {row}: column 'score' must be a number or empty, got '{value}'</source>
      <translation>{source}，第 {row} 行：列“score”必须是数字或为空，实际为“{value}”</translation>
    </message>
    <message>
      <source>{source}, row {row}: community {community}, point {point}: manual score {score} is outside 0 to the point's maximum {max}</source>
      <translation>{source}，第 {row} 行：社区 {community}，评分点 {point}：人工评分 {score} 超出 0 至该评分点满分 {max} 的范围</translation>
    </message>
    <message>
      <source>{source}, row {row}: community {community}, point {point} is already scored in row {other}</source>
      <translation>{source}，第 {row} 行：社区 {community} 的评分点 {point} 已在第 {other} 行评分</translation>
    </message>
    <message>
      <source>{source}, row {row}: point '{point}' is not in the rubric; the row is ignored</source>
      <translation>{source}，第 {row} 行：评分细则中没有评分点“{point}”；已忽略该行</translation>
    </message>
    <message>
      <source>{source}, row {row}: point {point} is computed from indicator '{indicator}', not scored by hand; the row is ignored</source>
      <translation>{source}，第 {row} 行：评分点 {point} 由指标“{indicator}”计算得出，不作人工评分；已忽略该行</translation>
    </message>
    <message>
      <source>{source}, row {row}: community '{community}' is not among the communities scored; the row is ignored</source>
      <translation>{source}，第 {row} 行：社区“{community}”不在本次评分的社区中；已忽略该行</translation>
    </message>
    <message>
      <source>Rubric workbook {file} was not found</source>
      <translation>评分细则工作簿 {file} 不存在</translation>
    </message>
    <message>
      <source>Rubric workbook {file} could not be read as an .xlsx workbook: {reason}</source>
      <translation>无法将评分细则工作簿 {file} 作为 .xlsx 工作簿读取：{reason}</translation>
    </message>
    <message>
      <source>Rubric workbook {file}: sheet '{sheet}' is missing (sheets found: {found})</source>
      <translation>评分细则工作簿 {file}：缺少工作表“{sheet}”（现有工作表：{found}）</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}': column '{column}' is missing</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”：缺少列“{column}”</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', column {column}: unknown header '{value}'; allowed columns: {allowed}</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，{column} 列：未知表头“{value}”；允许的列：{allowed}</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', column {column}: column '{key}' appears twice</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，{column} 列：列“{key}”出现两次</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): must be non-empty text, got '{value}'</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{key}）：必须是非空文本，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): must be text without spaces; format the cell as Text so that 1.10 stays 1.10; got '{value}'</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{key}）：必须是不含空格的文本；请将单元格格式设为“文本”，使 1.10 保持为 1.10；实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): must be a number, got '{value}'</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{key}）：必须是数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): must be TRUE or FALSE (是/否), got '{value}'</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{key}）：必须为 TRUE 或 FALSE（是/否），实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): bands must be written '&gt;=0.9:3; &gt;=0.6:1' (threshold:score, highest first), got '{value}'</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{key}）：分档须写作“&gt;=0.9:3; &gt;=0.6:1”（阈值:得分，从最高档写起），实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): must be one of {allowed}, got '{value}'</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{key}）：必须是 {allowed} 之一，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): the cell is empty</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{key}）：单元格为空</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column A: unknown field '{value}'; allowed fields: {allowed}</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 A 列：未知字段“{value}”；允许的字段：{allowed}</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column A: field '{value}' appears twice</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 A 列：字段“{value}”出现两次</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}': field '{field}' is missing</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”：缺少字段“{field}”</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}': there are no data rows</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”：没有数据行</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): '{value}' differs from '{first}' in row {first_row} of the same category</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{key}）：“{value}”与同一评价类别第 {first_row} 行的“{first}”不一致</translation>
    </message>
    <message>
      <source>Rubric workbook {file}, sheet '{sheet}', row {row}, column {column} ({key}): '{value}' differs from '{first}' in row {first_row} of the same item</source>
      <translation>评分细则工作簿 {file}，工作表“{sheet}”，第 {row} 行 {column} 列（{key}）：“{value}”与同一评价项第 {first_row} 行的“{first}”不一致</translation>
    </message>
    <message>
      <source>Community {community} appears more than once; ids must be unique</source>
      <translation>社区 {community} 出现了不止一次；编号必须唯一</translation>
    </message>
    <message>
      <source>Compound {compound}: field '{field}' must be a number, got '{value}'</source>
      <translation>小区 {compound}：字段“{field}”必须是数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Compound {compound}: field '{field}' must be 1, 0 or empty, got '{value}'</source>
      <translation>小区 {compound}：字段“{field}”必须是 1、0 或空，实际为“{value}”</translation>
    </message>
    <message>
      <source>Community {community}: the number of planned projects must be a number, got '{value}'</source>
      <translation>社区 {community}：规划项目数必须是数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}: the file must be a mapping with the fields 'name', 'version', 'notice', 'total', 'grades' and 'categories', got '{value}'</source>
      <translation>评分细则 {file}：文件必须是含“name”“version”“notice”“total”“grades”和“categories”字段的映射，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}: field 'categories' lists no category</source>
      <translation>评分细则 {file}：字段“categories”未列出任何评价类别</translation>
    </message>
    <message>
      <source>Rubric {file}, category {category}: field 'items' lists no item</source>
      <translation>评分细则 {file}，评价类别 {category}：字段“items”未列出任何评价项</translation>
    </message>
    <message>
      <source>Rubric {file}, item {item} (category {category}): field 'points' lists no point</source>
      <translation>评分细则 {file}，评价项 {item}（评价类别 {category}）：字段“points”未列出任何评分点</translation>
    </message>
    <message>
      <source>Rubric {file}: field 'grades' lists no grade band</source>
      <translation>评分细则 {file}：字段“grades”未列出任何等级</translation>
    </message>
    <message>
      <source>Rubric {file}: the categories' maximum scores add up to {sum}, but field 'total' is {total}</source>
      <translation>评分细则 {file}：各评价类别的满分合计为 {sum}，但字段“total”为 {total}</translation>
    </message>
    <message>
      <source>Rubric {file}, category {category}: its items' maximum scores add up to {sum}, but the category's field 'max' is {max}</source>
      <translation>评分细则 {file}，评价类别 {category}：其各评价项的满分合计为 {sum}，但该评价类别的字段“max”为 {max}</translation>
    </message>
    <message>
      <source>Rubric {file}, item {item} (category {category}): its points' maximum scores add up to {sum}, but the item's field 'max' is {max}</source>
      <translation>评分细则 {file}，评价项 {item}（评价类别 {category}）：其各评分点的满分合计为 {sum}，但该评价项的字段“max”为 {max}</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field 'method' must be one of {allowed}, got '{value}'</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“method”必须是 {allowed} 之一，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field '{field}' does not apply to method '{method}'; the method needs: {needed}</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“{field}”不适用于评分方法“{method}”；该方法需要：{needed}</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field 'indicator' names '{value}', which is not in the indicator catalogue ({known})</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“indicator”给出的“{value}”不在指标目录中（{known}）</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field 'indicator' names '{value}', but the facility standard {standard} has no facility type '{code}'</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“indicator”给出“{value}”，但设施标准 {standard} 中没有设施类型“{code}”</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field 'bands' must list at least one band</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“bands”必须至少列出一档</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field 'bands': band {number} (at least {at_least}) must have a lower threshold than the band before it (at least {previous}); list bands from the highest threshold down</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“bands”：第 {number} 档（不低于 {at_least}）的阈值必须低于前一档（不低于 {previous}）；请按阈值从高到低列出各档</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field 'bands': band {number} scores {score}, which must be less than the {previous} of the band before it (a lower threshold earns less)</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“bands”：第 {number} 档得 {score} 分，必须低于前一档的 {previous} 分（阈值越低，得分越少）</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field 'bands': the first (highest) band must score the point's maximum {max}, got {score}</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“bands”：第一档（最高档）的得分必须等于该评分点的满分 {max}，实际为 {score}</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field 'bands': band {number} scores {score}; a score cannot be negative</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“bands”：第 {number} 档得 {score} 分；得分不能为负</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): fields 'zero_at' and 'full_at' are both {value}; a line needs two different values</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“zero_at”和“full_at”均为 {value}；线性评分需要两个不同的值</translation>
    </message>
    <message>
      <source>Rubric {file}, grade band {grade}: field 'min' {value} must be lower than the 'min' of the band before it ({previous}); list grade bands from the highest down</source>
      <translation>评分细则 {file}，等级 {grade}：字段“min”的值 {value} 必须低于前一等级的“min”（{previous}）；请从高到低列出各等级</translation>
    </message>
    <message>
      <source>Rubric {file}, grade band {grade}: the lowest band must have 'min' 0 so that every total has a grade, got {value}</source>
      <translation>评分细则 {file}，等级 {grade}：最低等级的“min”必须为 0，使每个总分都有对应等级，实际为 {value}</translation>
    </message>
    <message>
      <source>Rubric {file}, grade band {grade}: field 'min' {value} is above the rubric's total {total}, so no community could reach it</source>
      <translation>评分细则 {file}，等级 {grade}：字段“min”的值 {value} 高于评分细则的总分 {total}，任何社区都无法达到</translation>
    </message>
    <message>
      <source>Rubric {file}: required field '{field}' is missing</source>
      <translation>评分细则 {file}：缺少必填字段“{field}”</translation>
    </message>
    <message>
      <source>Rubric {file}, category {category}: required field '{field}' is missing</source>
      <translation>评分细则 {file}，评价类别 {category}：缺少必填字段“{field}”</translation>
    </message>
    <message>
      <source>Rubric {file}, item {item} (category {category}): required field '{field}' is missing</source>
      <translation>评分细则 {file}，评价项 {item}（评价类别 {category}）：缺少必填字段“{field}”</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): required field '{field}' is missing</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：缺少必填字段“{field}”</translation>
    </message>
    <message>
      <source>Rubric {file}, grade band {grade}: required field '{field}' is missing</source>
      <translation>评分细则 {file}，等级 {grade}：缺少必填字段“{field}”</translation>
    </message>
    <message>
      <source>Rubric {file}: unknown field '{field}' (a typo?); allowed fields: {allowed}</source>
      <translation>评分细则 {file}：未知字段“{field}”（拼写错误？）；允许的字段：{allowed}</translation>
    </message>
    <message>
      <source>Rubric {file}, category {category}: unknown field '{field}' (a typo?); allowed fields: {allowed}</source>
      <translation>评分细则 {file}，评价类别 {category}：未知字段“{field}”（拼写错误？）；允许的字段：{allowed}</translation>
    </message>
    <message>
      <source>Rubric {file}, item {item} (category {category}): unknown field '{field}' (a typo?); allowed fields: {allowed}</source>
      <translation>评分细则 {file}，评价项 {item}（评价类别 {category}）：未知字段“{field}”（拼写错误？）；允许的字段：{allowed}</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): unknown field '{field}' (a typo?); allowed fields: {allowed}</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：未知字段“{field}”（拼写错误？）；允许的字段：{allowed}</translation>
    </message>
    <message>
      <source>Rubric {file}, grade band {grade}: unknown field '{field}' (a typo?); allowed fields: {allowed}</source>
      <translation>评分细则 {file}，等级 {grade}：未知字段“{field}”（拼写错误？）；允许的字段：{allowed}</translation>
    </message>
    <message>
      <source>Rubric {file}: field '{field}' must be a mapping of 'key: value' entries, got '{value}'</source>
      <translation>评分细则 {file}：字段“{field}”必须是由“key: value”条目组成的映射，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, category {category}: field '{field}' must be a mapping of 'key: value' entries, got '{value}'</source>
      <translation>评分细则 {file}，评价类别 {category}：字段“{field}”必须是由“key: value”条目组成的映射，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, item {item} (category {category}): field '{field}' must be a mapping of 'key: value' entries, got '{value}'</source>
      <translation>评分细则 {file}，评价项 {item}（评价类别 {category}）：字段“{field}”必须是由“key: value”条目组成的映射，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field '{field}' must be a mapping of 'key: value' entries, got '{value}'</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“{field}”必须是由“key: value”条目组成的映射，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, grade band {grade}: field '{field}' must be a mapping of 'key: value' entries, got '{value}'</source>
      <translation>评分细则 {file}，等级 {grade}：字段“{field}”必须是由“key: value”条目组成的映射，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}: field '{field}' must be a list, got '{value}'</source>
      <translation>评分细则 {file}：字段“{field}”必须是列表，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, category {category}: field '{field}' must be a list, got '{value}'</source>
      <translation>评分细则 {file}，评价类别 {category}：字段“{field}”必须是列表，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, item {item} (category {category}): field '{field}' must be a list, got '{value}'</source>
      <translation>评分细则 {file}，评价项 {item}（评价类别 {category}）：字段“{field}”必须是列表，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field '{field}' must be a list, got '{value}'</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“{field}”必须是列表，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}: field '{field}' must be non-empty text, got '{value}'</source>
      <translation>评分细则 {file}：字段“{field}”必须是非空文本，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, category {category}: field '{field}' must be non-empty text, got '{value}'</source>
      <translation>评分细则 {file}，评价类别 {category}：字段“{field}”必须是非空文本，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, item {item} (category {category}): field '{field}' must be non-empty text, got '{value}'</source>
      <translation>评分细则 {file}，评价项 {item}（评价类别 {category}）：字段“{field}”必须是非空文本，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field '{field}' must be non-empty text, got '{value}'</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“{field}”必须是非空文本，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, grade band {grade}: field '{field}' must be non-empty text, got '{value}'</source>
      <translation>评分细则 {file}，等级 {grade}：字段“{field}”必须是非空文本，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}: field '{field}' must be a positive number, got '{value}'</source>
      <translation>评分细则 {file}：字段“{field}”必须是正数，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, category {category}: field '{field}' must be a positive number, got '{value}'</source>
      <translation>评分细则 {file}，评价类别 {category}：字段“{field}”必须是正数，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, item {item} (category {category}): field '{field}' must be a positive number, got '{value}'</source>
      <translation>评分细则 {file}，评价项 {item}（评价类别 {category}）：字段“{field}”必须是正数，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field '{field}' must be a positive number, got '{value}'</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“{field}”必须是正数，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field '{field}' must be a number, got '{value}'</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“{field}”必须是数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, grade band {grade}: field '{field}' must be a number, got '{value}'</source>
      <translation>评分细则 {file}，等级 {grade}：字段“{field}”必须是数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field '{field}' must be true or false, got '{value}'</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“{field}”必须为 true 或 false，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, category {category}: field '{field}' must be text without spaces, commas or semicolons, quoted in YAML ('1.10', since 1.10 unquoted is the number 1.1), got '{value}'</source>
      <translation>评分细则 {file}，评价类别 {category}：字段“{field}”必须是不含空格、逗号或分号的文本，在 YAML 中须加引号（写作 '1.10'，因为不加引号的 1.10 会被读成数字 1.1），实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, item {item} (category {category}): field '{field}' must be text without spaces, commas or semicolons, quoted in YAML ('1.10', since 1.10 unquoted is the number 1.1), got '{value}'</source>
      <translation>评分细则 {file}，评价项 {item}（评价类别 {category}）：字段“{field}”必须是不含空格、逗号或分号的文本，在 YAML 中须加引号（写作 '1.10'，因为不加引号的 1.10 会被读成数字 1.1），实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): field '{field}' must be text without spaces, commas or semicolons, quoted in YAML ('1.10', since 1.10 unquoted is the number 1.1), got '{value}'</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：字段“{field}”必须是不含空格、逗号或分号的文本，在 YAML 中须加引号（写作 '1.10'，因为不加引号的 1.10 会被读成数字 1.1），实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, grade band {grade}: field '{field}' must be text without spaces, commas or semicolons, got '{value}'</source>
      <translation>评分细则 {file}，等级 {grade}：字段“{field}”必须是不含空格、逗号或分号的文本，实际为“{value}”</translation>
    </message>
    <message>
      <source>Rubric {file}, category {category}: id '{value}' appears more than once; category, item and point ids must all differ</source>
      <translation>评分细则 {file}，评价类别 {category}：编号“{value}”出现了不止一次；评价类别、评价项和评分点的编号必须互不相同</translation>
    </message>
    <message>
      <source>Rubric {file}, item {item} (category {category}): id '{value}' appears more than once; category, item and point ids must all differ</source>
      <translation>评分细则 {file}，评价项 {item}（评价类别 {category}）：编号“{value}”出现了不止一次；评价类别、评价项和评分点的编号必须互不相同</translation>
    </message>
    <message>
      <source>Rubric {file}, point {point} (item {item}): id '{value}' appears more than once; category, item and point ids must all differ</source>
      <translation>评分细则 {file}，评分点 {point}（评价项 {item}）：编号“{value}”出现了不止一次；评价类别、评价项和评分点的编号必须互不相同</translation>
    </message>
    <message>
      <source>Rubric {file}, grade band {grade}: code '{value}' appears more than once</source>
      <translation>评分细则 {file}，等级 {grade}：代码“{value}”出现了不止一次</translation>
    </message>
    <message>
      <source>Rubric {file} was not found</source>
      <translation>评分细则 {file} 不存在</translation>
    </message>
    <message>
      <source>Rubric {file}: unsupported file type '{suffix}'; use one of {allowed}</source>
      <translation>评分细则 {file}：不支持的文件类型“{suffix}”，请使用 {allowed} 之一</translation>
    </message>
    <message>
      <source>Rubric {file} is not UTF-8 text (undecodable byte at {position})</source>
      <translation>评分细则 {file} 不是 UTF-8 文本（无法解码的字节位于 {position}）</translation>
    </message>
    <message>
      <source>Rubric {file} could not be read: {reason}</source>
      <translation>无法读取评分细则 {file}：{reason}</translation>
    </message>
    <message>
      <source>Rubric {file} is empty</source>
      <translation>评分细则 {file} 为空</translation>
    </message>
    <message>
      <source>Rubric {file}: syntax error at line {line}, column {column}: {problem}</source>
      <translation>评分细则 {file}：第 {line} 行第 {column} 列语法错误：{problem}</translation>
    </message>
    <message>
      <source>Rubric {file}: syntax error: {problem}</source>
      <translation>评分细则 {file}：语法错误：{problem}</translation>
    </message>
    <message>
      <source>Rubric {file}: key '{key}' appears twice in the same mapping (line {line})</source>
      <translation>评分细则 {file}：键“{key}”在同一映射中出现两次（第 {line} 行）</translation>
    </message>
    <message>
      <source>Rubric {file}: key '{key}' appears twice in the same mapping</source>
      <translation>评分细则 {file}：键“{key}”在同一映射中出现两次</translation>
    </message>
    <message>
      <source>{source}: column '{column}' is missing; give the provision table (OUTPUT_TABLE) of completecommunity:tieredprovision</source>
      <translation>{source}：缺少“{column}”列；请给出 completecommunity:tieredprovision 输出的配置表（OUTPUT_TABLE）</translation>
    </message>
    <message>
      <source>{source}, row {row}: column '{column}' is empty</source>
      <translation>{source}，第 {row} 行：“{column}”列为空</translation>
    </message>
    <message>
      <source>{source}, row {row}: column '{column}' must be a number, got '{value}'</source>
      <translation>{source}，第 {row} 行：“{column}”列必须是数字，实际为“{value}”</translation>
    </message>
    <message>
      <source>{source}, row {row}: column 'tier' must be one of {allowed}, got '{value}'</source>
      <translation>{source}，第 {row} 行：“tier”列必须是 {allowed} 之一，实际为“{value}”</translation>
    </message>
    <message>
      <source>{source}, row {row}: column 'provision_status' must be one of {allowed}, got '{value}'</source>
      <translation>{source}，第 {row} 行：“provision_status”列必须是 {allowed} 之一，实际为“{value}”</translation>
    </message>
    <message>
      <source>{source}, row {row}: unit {unit} and facility type {code} are already in row {other}</source>
      <translation>{source}，第 {row} 行：单元 {unit} 的设施类型 {code} 已在第 {other} 行出现</translation>
    </message>
    <message>
      <source>{source}, row {row}: facility type {code} is at tier {tier} here but at tier {other} in row {other_row}</source>
      <translation>{source}，第 {row} 行：设施类型 {code} 在此处属于层级 {tier}，但在第 {other_row} 行属于层级 {other}</translation>
    </message>
    <message>
      <source>Suggested site {site}: none of the compounds it newly serves has a community id, so it cannot be filed as a project</source>
      <translation>建议点位 {site}：它新覆盖的小区都没有社区编号，无法作为项目写入</translation>
    </message>
    <message>
      <source>The time limit must be zero or more seconds, not {value}</source>
      <translation>求解时限必须是 0 或更多秒，而不是 {value}</translation>
    </message>
    <message>
      <source>No candidate site is within {minutes} min walk of a compound without {type}: there is nothing to choose from ({candidates} candidates, {joined} of them on the walking network, {demands} compounds not served)</source>
      <translation>没有备选点位在缺少 {type} 的小区步行 {minutes} 分钟范围内：无从选址（{candidates} 个备选点位，其中 {joined} 个接入步行网络；{demands} 个小区未覆盖）</translation>
    </message>
    <message>
      <source>No candidate site is within {radius} m of a compound without {type}: there is nothing to choose from ({candidates} candidates, {joined} of them on the walking network, {demands} compounds not served)</source>
      <translation>没有备选点位在缺少 {type} 的小区 {radius} 米范围内：无从选址（{candidates} 个备选点位，其中 {joined} 个接入步行网络；{demands} 个小区未覆盖）</translation>
    </message>
    <message>
      <source>The target share must be more than 0 and at most 1 (e.g. 0.9 for 90 %), not {value}</source>
      <translation>目标覆盖率必须大于 0 且不超过 1（如 0.9 表示 90%），而不是 {value}</translation>
    </message>
    <message>
      <source>The number of sites must be a whole number of at least 1, not {value}</source>
      <translation>点位数必须是不小于 1 的整数，而不是 {value}</translation>
    </message>
    <message>
      <source>Candidate id '{id}' appears more than once; every candidate needs its own id</source>
      <translation>备选点位编号“{id}”出现了不止一次；每个备选点位须有唯一编号</translation>
    </message>
    <message>
      <source>Facility standard {file}: the file must be a mapping with the fields 'name', 'version', 'notice', 'tiers' and 'types', got '{value}'</source>
      <translation>设施标准 {file}：文件必须是含 'name'、'version'、'notice'、'tiers' 和 'types' 字段的映射，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}: field 'types' lists no facility type</source>
      <translation>设施标准 {file}：字段 'types' 没有列出任何设施类型</translation>
    </message>
    <message>
      <source>Facility standard {file}: field 'tiers' defines no tier</source>
      <translation>设施标准 {file}：字段 'tiers' 没有定义任何层级</translation>
    </message>
    <message>
      <source>Facility standard {file}: field 'tiers' has unknown tier '{tier}'; allowed tiers: {allowed}</source>
      <translation>设施标准 {file}：字段 'tiers' 含未知层级 '{tier}'；允许的层级：{allowed}</translation>
    </message>
    <message>
      <source>Facility standard {file}, tier '{tier}': field 'population' has min {min} greater than max {max}</source>
      <translation>设施标准 {file}，层级 '{tier}'：字段 'population' 的 min {min} 大于 max {max}</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index}: the record must be a mapping of fields, got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类：记录必须是字段映射，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field 'code' must be ASCII snake_case (a lower-case letter, then lower-case letters, digits or '_'), got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 'code' 必须为 ASCII 蛇形命名（小写字母开头，其后为小写字母、数字或 '_'），实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field 'code': '{value}' is already the code of type #{other_index}</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 'code'：'{value}' 已是第 #{other_index} 类的代码</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field 'tier' must be one of the tiers defined in 'tiers' ({allowed}), got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 'tier' 必须是 'tiers' 中定义的层级之一（{allowed}），实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field 'life_circle' must be 5, 10, 15 or 'neighbourhood', got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 'life_circle' 必须为 5、10、15 或 'neighbourhood'，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}': '{value}' already means type #{other_index} ({other_code}) through its field '{other_field}'; a name or alias may belong to one type only</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 '{field}'：'{value}' 已通过其字段 '{other_field}' 指向第 #{other_index} 类（{other_code}）；一个名称或别名只能属于一个类型</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}': '{value}' contains '=' but is not an OSM tag written key=value</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 '{field}'：'{value}' 含 '='，但不是 key=value 形式的 OSM 标签</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}' must name at least one tag</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 '{field}' 必须至少给出一个标签</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field 'satisfied_by' names '{value}', which is not the code of any type</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 'satisfied_by' 中的 '{value}' 不是任何类型的代码</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field 'satisfied_by' names the type itself</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 'satisfied_by' 指向了类型本身</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field 'satisfied_by' goes round in a circle: {cycle}</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 'satisfied_by' 形成循环：{cycle}</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field 'count' must give exactly one of 'per: unit' and 'per_people: N'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 'count' 必须且只能给出 'per: unit' 或 'per_people: N' 之一</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field 'count.per' must be 'unit', got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 'count.per' 必须为 'unit'，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}' must give 'min_m2', 'per_1000_m2' or both</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 '{field}' 必须给出 'min_m2'、'per_1000_m2' 或两者</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}' is given but 'sharing.shareable' is false</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：给出了字段 '{field}'，但 'sharing.shareable' 为 false</translation>
    </message>
    <message>
      <source>Facility standard {file}: required field '{field}' is missing</source>
      <translation>设施标准 {file}：缺少必填字段 '{field}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, tier '{tier}': required field '{field}' is missing</source>
      <translation>设施标准 {file}，层级 '{tier}'：缺少必填字段 '{field}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): required field '{field}' is missing</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：缺少必填字段 '{field}'</translation>
    </message>
    <message>
      <source>Facility standard {file}: unknown field '{field}' (a typo?); allowed fields: {allowed}</source>
      <translation>设施标准 {file}：未知字段 '{field}'（拼写错误？）；允许的字段：{allowed}</translation>
    </message>
    <message>
      <source>Facility standard {file}, tier '{tier}': unknown field '{field}' (a typo?); allowed fields: {allowed}</source>
      <translation>设施标准 {file}，层级 '{tier}'：未知字段 '{field}'（拼写错误？）；允许的字段：{allowed}</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): unknown field '{field}' (a typo?); allowed fields: {allowed}</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：未知字段 '{field}'（拼写错误？）；允许的字段：{allowed}</translation>
    </message>
    <message>
      <source>Facility standard {file}: field '{field}' must be a mapping of 'key: value' entries, got '{value}'</source>
      <translation>设施标准 {file}：字段 '{field}' 必须是由 'key: value' 条目组成的映射，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, tier '{tier}': field '{field}' must be a mapping of 'key: value' entries, got '{value}'</source>
      <translation>设施标准 {file}，层级 '{tier}'：字段 '{field}' 必须是由 'key: value' 条目组成的映射，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}' must be a mapping of 'key: value' entries, got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 '{field}' 必须是由 'key: value' 条目组成的映射，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}: field '{field}' must be a list, got '{value}'</source>
      <translation>设施标准 {file}：字段 '{field}' 必须是列表，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}' must be a list, got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 '{field}' 必须是列表，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}: field '{field}' must be non-empty text, got '{value}'</source>
      <translation>设施标准 {file}：字段 '{field}' 必须是非空文本，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, tier '{tier}': field '{field}' must be non-empty text, got '{value}'</source>
      <translation>设施标准 {file}，层级 '{tier}'：字段 '{field}' 必须是非空文本，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}' must be non-empty text, got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 '{field}' 必须是非空文本，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, tier '{tier}': field '{field}' must be a positive number, got '{value}'</source>
      <translation>设施标准 {file}，层级 '{tier}'：字段 '{field}' 必须是正数，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}' must be a positive number, got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 '{field}' 必须是正数，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}' must be a positive whole number, got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 '{field}' 必须是正整数，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field '{field}' must be true or false, got '{value}'</source>
      <translation>设施标准 {file}，第 #{index} 类（{code}）：字段 '{field}' 必须为 true 或 false，实际为 '{value}'</translation>
    </message>
    <message>
      <source>Facility standard {file} was not found</source>
      <translation>设施标准 {file} 不存在</translation>
    </message>
    <message>
      <source>Facility standard {file}: unsupported file type '{suffix}'; use one of {allowed}</source>
      <translation>设施标准 {file}：不支持的文件类型 '{suffix}'，请使用 {allowed} 之一</translation>
    </message>
    <message>
      <source>Facility standard {file} is not UTF-8 text (undecodable byte at {position})</source>
      <translation>设施标准 {file} 不是 UTF-8 文本（无法解码的字节位于 {position}）</translation>
    </message>
    <message>
      <source>Facility standard {file} could not be read: {reason}</source>
      <translation>无法读取设施标准 {file}：{reason}</translation>
    </message>
    <message>
      <source>Facility standard {file} is empty</source>
      <translation>设施标准 {file} 为空</translation>
    </message>
    <message>
      <source>Facility standard {file}: syntax error at line {line}, column {column}: {problem}</source>
      <translation>设施标准 {file}：第 {line} 行第 {column} 列语法错误：{problem}</translation>
    </message>
    <message>
      <source>Facility standard {file}: syntax error: {problem}</source>
      <translation>设施标准 {file}：语法错误：{problem}</translation>
    </message>
    <message>
      <source>Facility standard {file}: key '{key}' appears twice in the same mapping (line {line})</source>
      <translation>设施标准 {file}：键 '{key}' 在同一映射中出现两次（第 {line} 行）</translation>
    </message>
    <message>
      <source>Facility standard {file}: key '{key}' appears twice in the same mapping</source>
      <translation>设施标准 {file}：键 '{key}' 在同一映射中出现两次</translation>
    </message>
    <message>
      <source>Workbook language '{language}' is not supported; use 'zh' (Chinese) or 'en' (English)</source>
      <translation>不支持工作簿语言“{language}”；请使用“zh”（中文）或“en”（英文）</translation>
    </message>
    <message>
      <source>Workbook {file} was not found</source>
      <translation>找不到工作簿 {file}</translation>
    </message>
    <message>
      <source>Workbook {file} could not be read as an .xlsx workbook: {reason}</source>
      <translation>无法将 {file} 作为 .xlsx 工作簿读取：{reason}</translation>
    </message>
    <message>
      <source>Workbook {file} has no evaluation sheets written by this toolkit (their hidden columns community_id and point_id are missing)</source>
      <translation>工作簿 {file} 中没有本工具箱生成的评价表（缺少隐藏列 community_id 和 point_id）</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', cell {cell} (community {community}, point {point}): the manual score '{value}' is not a number</source>
      <translation>工作簿 {file}，工作表“{sheet}”，单元格 {cell}（社区 {community}，评分点 {point}）：人工评分“{value}”不是数字</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', cell {cell} (community {community}, point {point}): the manual score {value} is outside 0 to the point's maximum {max}</source>
      <translation>工作簿 {file}，工作表“{sheet}”，单元格 {cell}（社区 {community}，评分点 {point}）：人工评分 {value} 超出 0 至该评分点满分 {max} 的范围</translation>
    </message>
    <message>
      <source>Workbook {file}: community {community}, point {point} is scored in sheet '{sheet}' cell {cell} and again in sheet '{other}' cell {other_cell}; keep one of them</source>
      <translation>工作簿 {file}：社区 {community} 的评分点 {point} 在工作表“{sheet}”单元格 {cell} 和工作表“{other}”单元格 {other_cell} 中重复评分；请只保留一处</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', cell {cell} (community {community}, point {point}): the computed score was changed from {written} to {found}; computed scores are not read back, so the change is ignored</source>
      <translation>工作簿 {file}，工作表“{sheet}”，单元格 {cell}（社区 {community}，评分点 {point}）：自动计算的得分由 {written} 被改为 {found}；自动计算的得分不会读回，此修改已忽略</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', cell {cell} (community {community}): the formula {written} was replaced by '{found}'; it is not read back</source>
      <translation>工作簿 {file}，工作表“{sheet}”，单元格 {cell}（社区 {community}）：公式 {written} 被替换为“{found}”；该单元格不会读回</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', cell {cell} (community {community}): point '{point}' is not in the rubric; the row is ignored</source>
      <translation>工作簿 {file}，工作表“{sheet}”，单元格 {cell}（社区 {community}）：评分细则中没有评分点“{point}”；该行已忽略</translation>
    </message>
    <message>
      <source>Workbook {file}, sheet '{sheet}', cell {cell} (community {community}, point {point}): the form was written with the point scored '{written}' but the rubric scores it '{found}'; the cell is ignored</source>
      <translation>工作簿 {file}，工作表“{sheet}”，单元格 {cell}（社区 {community}，评分点 {point}）：评价表生成时该评分点的评分方式为“{written}”，而当前评分细则为“{found}”；该单元格已忽略</translation>
    </message>
    <message>
      <source>Workbook {file}: the file name must end in .xlsx</source>
      <translation>工作簿 {file}：文件名必须以 .xlsx 结尾</translation>
    </message>
    <message>
      <source>Workbook</source>
      <translation>工作簿</translation>
    </message>
    <message>
      <source>Sheet '{sheet}' would have {count} rows, more than an Excel sheet holds ({limit}); split the workbook by district</source>
      <translation>工作表“{sheet}”将有 {count} 行，超过 Excel 工作表的上限（{limit} 行）；请按片区拆分工作簿</translation>
    </message>
    <message>
      <source>Splitting the workbook by '{split}' is not possible; split by 'district' or give the ids of the communities whose evaluation sheets to write</source>
      <translation>无法按“{split}”拆分工作簿；请按“district”（片区）拆分，或给出需要生成评价表的社区编号</translation>
    </message>
    <message>
      <source>Community '{community}' is chosen for an evaluation sheet but is not among the communities scored</source>
      <translation>选择为其生成评价表的社区“{community}”不在已评分的社区中</translation>
    </message>
    <message>
      <source>Community '{community}' is scored twice; each community may appear once in the workbook</source>
      <translation>社区“{community}”被评分了两次；每个社区在工作簿中只能出现一次</translation>
    </message>
    <message>
      <source>Community '{community}' has no result for point {point} of the rubric '{rubric}'; score the communities with the rubric the workbook is written with</source>
      <translation>社区“{community}”缺少评价细则“{rubric}”中评分点 {point} 的结果；请使用与导出工作簿相同的评价细则为社区评分</translation>
    </message>
    <message>
      <source>Save plan data</source>
      <translation>保存规划数据</translation>
    </message>
    <message>
      <source>There are unsaved changes. Save them before closing?</source>
      <translation>有尚未保存的修改。关闭前保存吗？</translation>
    </message>
    <message>
      <source>Open plan store</source>
      <translation>打开规划数据库</translation>
    </message>
    <message>
      <source>Save a copy of the plan store</source>
      <translation>将规划数据库另存为副本</translation>
    </message>
    <message>
      <source>The remembered file cannot be used, so the built-in one is: {reason}</source>
      <translation>记住的文件无法使用，已改用内置文件：{reason}</translation>
    </message>
    <message>
      <source>Built-in (内置)</source>
      <translation>内置</translation>
    </message>
    <message>
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <source>Use built-in</source>
      <translation>使用内置</translation>
    </message>
    <message>
      <source>Plan store {file} is open read-only: your database role may only read it.</source>
      <translation>规划数据库 {file} 以只读方式打开：您的数据库角色只有读取权限。</translation>
    </message>
    <message>
      <source>Plan store {file} is read-only, so nothing was saved; your entries are kept. Save them to a writable copy?</source>
      <translation>规划数据库 {file} 为只读，未保存任何内容；已录入的数据仍保留。保存到一个可写的副本吗？</translation>
    </message>
    <message>
      <source>changed outside the plugin</source>
      <translation>在插件外修改</translation>
    </message>
    <message>
      <source>History of the plan</source>
      <translation>规划变更记录</translation>
    </message>
    <message>
      <source>created</source>
      <translation>新建</translation>
    </message>
    <message>
      <source>changed</source>
      <translation>修改</translation>
    </message>
    <message>
      <source>deleted</source>
      <translation>删除</translation>
    </message>
    <message>
      <source>No saved change is recorded yet (changes are recorded from schema version 3).</source>
      <translation>尚无已保存的变更记录（自结构版本 3 起记录变更）。</translation>
    </message>
    <message>
      <source>When</source>
      <translation>时间</translation>
    </message>
    <message>
      <source>Who</source>
      <translation>用户</translation>
    </message>
    <message>
      <source>Record</source>
      <translation>记录</translation>
    </message>
    <message>
      <source>What</source>
      <translation>操作</translation>
    </message>
    <message>
      <source>Field</source>
      <translation>字段</translation>
    </message>
    <message>
      <source>From</source>
      <translation>原值</translation>
    </message>
    <message>
      <source>To</source>
      <translation>新值</translation>
    </message>
    <message>
      <source>(unknown)</source>
      <translation>（未知）</translation>
    </message>
    <message>
      <source>History of {project}</source>
      <translation>{project} 的变更记录</translation>
    </message>
    <message>
      <source>{count} saved changes in {store}.</source>
      <translation>{store} 中共有 {count} 条已保存的变更。</translation>
    </message>
    <message>
      <source>Pending (待评)</source>
      <translation>待评</translation>
    </message>
    <message>
      <source>Manual scores (人工评分)</source>
      <translation>人工评分</translation>
    </message>
    <message>
      <source>Open…</source>
      <translation>打开…</translation>
    </message>
    <message>
      <source>Open a plan store GeoPackage.</source>
      <translation>打开规划数据库 GeoPackage。</translation>
    </message>
    <message>
      <source>Database…</source>
      <translation>数据库…</translation>
    </message>
    <message>
      <source>Open a plan store in PostgreSQL/PostGIS through one of your saved QGIS connections.</source>
      <translation>通过您在 QGIS 中已保存的连接，打开 PostgreSQL/PostGIS 中的规划数据库。</translation>
    </message>
    <message>
      <source>Facility standard:</source>
      <translation>设施配置标准：</translation>
    </message>
    <message>
      <source>Choose a facility standard</source>
      <translation>选择设施配置标准</translation>
    </message>
    <message>
      <source>The standard the rubric's facility types are checked against; empty: built-in.</source>
      <translation>评分细则中的设施类型据此标准核对；留空则用内置标准。</translation>
    </message>
    <message>
      <source>Rubric:</source>
      <translation>评分细则：</translation>
    </message>
    <message>
      <source>Choose a rubric</source>
      <translation>选择评分细则</translation>
    </message>
    <message>
      <source>The rubric whose manual points are scored; empty: built-in.</source>
      <translation>对其人工评分项打分的评分细则；留空则用内置细则。</translation>
    </message>
    <message>
      <source>Filled in for every score you enter here.</source>
      <translation>在此录入的每项得分都会填上该值。</translation>
    </message>
    <message>
      <source>Facility standard</source>
      <translation>设施配置标准</translation>
    </message>
    <message>
      <source>Rubric</source>
      <translation>评分细则</translation>
    </message>
    <message>
      <source>Save manual scores</source>
      <translation>保存人工评分</translation>
    </message>
    <message>
      <source>Plan store:</source>
      <translation>规划数据库：</translation>
    </message>
    <message>
      <source>Community:</source>
      <translation>社区：</translation>
    </message>
    <message>
      <source>from layer:</source>
      <translation>来自图层：</translation>
    </message>
    <message>
      <source>Assessor:</source>
      <translation>评分人：</translation>
    </message>
    <message>
      <source>Date:</source>
      <translation>日期：</translation>
    </message>
    <message>
      <source>Category</source>
      <translation>类别</translation>
    </message>
    <message>
      <source>Item</source>
      <translation>项目</translation>
    </message>
    <message>
      <source>Scoring point</source>
      <translation>评分点</translation>
    </message>
    <message>
      <source>Max</source>
      <translation>满分</translation>
    </message>
    <message>
      <source>Scored</source>
      <translation>已评</translation>
    </message>
    <message>
      <source>(none)</source>
      <translation>（无）</translation>
    </message>
    <message>
      <source>Choose a community.</source>
      <translation>请选择社区。</translation>
    </message>
    <message>
      <source>Open a plan store first.</source>
      <translation>请先打开规划数据库。</translation>
    </message>
    <message>
      <source>Nothing to save.</source>
      <translation>没有需要保存的内容。</translation>
    </message>
    <message>
      <source>Nothing was saved; your entries are kept.</source>
      <translation>未保存任何内容；已录入的数据仍保留。</translation>
    </message>
    <message>
      <source>The scores are shown as saved now. Keep your entries for the refused points instead, to save them over the saved ones?</source>
      <translation>现在显示的是已保存的评分。是否改为保留您对这些未保存评分点的录入，在保存时覆盖已保存的评分？</translation>
    </message>
    <message>
      <source>Saved to {file}.</source>
      <translation>已保存到 {file}。</translation>
    </message>
    <message>
      <source>{count} scores do not fit this rubric, for example: {reason}</source>
      <translation>有 {count} 条评分与此评分细则不符，例如：{reason}</translation>
    </message>
    <message>
      <source>{count} manual points of the rubric {rubric}.</source>
      <translation>评分细则“{rubric}”共有 {count} 个人工评分项。</translation>
    </message>
    <message>
      <source>Community {community}: {scored} of {total} manual points scored, {pending} 待评.</source>
      <translation>社区 {community}：{total} 个人工评分点中已评 {scored} 个，待评 {pending} 个。</translation>
    </message>
    <message>
      <source>Not saved: {reason}</source>
      <translation>未保存：{reason}</translation>
    </message>
    <message>
      <source>Evidence: {evidence}</source>
      <translation>佐证材料：{evidence}</translation>
    </message>
    <message>
      <source>Plan data (专项规划数据)</source>
      <translation>专项规划数据</translation>
    </message>
    <message>
      <source>The standard facility types are checked against; empty for the built-in one.</source>
      <translation>设施类型据此标准核对；留空则用内置标准。</translation>
    </message>
    <message>
      <source>New…</source>
      <translation>新建…</translation>
    </message>
    <message>
      <source>Create a plan store (GeoPackage) from the entries here.</source>
      <translation>用此处录入的内容新建规划数据库（GeoPackage）。</translation>
    </message>
    <message>
      <source>Open or create a plan store in PostgreSQL/PostGIS through one of your saved QGIS connections: the store a team shares.</source>
      <translation>通过您在 QGIS 中已保存的连接，打开或新建 PostgreSQL/PostGIS 中的规划数据库：供团队共同使用。</translation>
    </message>
    <message>
      <source>Plan information</source>
      <translation>规划信息</translation>
    </message>
    <message>
      <source>The CRS project locations are stored in; fixed once the store is created.</source>
      <translation>项目位置所用的坐标参照系；数据库创建后不可更改。</translation>
    </message>
    <message>
      <source>Projects</source>
      <translation>项目</translation>
    </message>
    <message>
      <source>Add project</source>
      <translation>添加项目</translation>
    </message>
    <message>
      <source>Delete project</source>
      <translation>删除项目</translation>
    </message>
    <message>
      <source>Import .xlsx…</source>
      <translation>导入 .xlsx…</translation>
    </message>
    <message>
      <source>Export .xlsx…</source>
      <translation>导出 .xlsx…</translation>
    </message>
    <message>
      <source>Add projects to map</source>
      <translation>将项目加入地图</translation>
    </message>
    <message>
      <source>History…</source>
      <translation>变更记录…</translation>
    </message>
    <message>
      <source>Every saved change of the selected project: when, who, from what to what.</source>
      <translation>所选项目每一次已保存的变更：时间、用户、由什么改为什么。</translation>
    </message>
    <message>
      <source>New plan store</source>
      <translation>新建规划数据库</translation>
    </message>
    <message>
      <source>Click the project's location on the map.</source>
      <translation>请在地图上点击项目位置。</translation>
    </message>
    <message>
      <source>Location picked on the map.</source>
      <translation>已在地图上选取位置。</translation>
    </message>
    <message>
      <source>Location taken from the selected feature.</source>
      <translation>已取所选要素的位置。</translation>
    </message>
    <message>
      <source>Import projects</source>
      <translation>导入项目</translation>
    </message>
    <message>
      <source>Export projects</source>
      <translation>导出项目</translation>
    </message>
    <message>
      <source>Your entries are applied again; save to keep them.</source>
      <translation>已重新应用您的录入；请保存。</translation>
    </message>
    <message>
      <source>All communities</source>
      <translation>全部社区</translation>
    </message>
    <message>
      <source>Status:</source>
      <translation>状态：</translation>
    </message>
    <message>
      <source>All statuses</source>
      <translation>全部状态</translation>
    </message>
    <message>
      <source>Choose the coordinate reference system of the plan first.</source>
      <translation>请先选择规划的坐标参照系。</translation>
    </message>
    <message>
      <source>(none: enter the plan, then New… or Save)</source>
      <translation>（尚无：录入规划后点“新建…”或“保存”）</translation>
    </message>
    <message>
      <source>The clicked point could not be placed in the plan's CRS.</source>
      <translation>点击的位置无法转换到规划的坐标参照系。</translation>
    </message>
    <message>
      <source>Select exactly one feature (a community or compound) in the chosen layer.</source>
      <translation>请在所选图层中只选中一个要素（社区或小区）。</translation>
    </message>
    <message>
      <source>The selected feature has no usable location.</source>
      <translation>所选要素没有可用的位置。</translation>
    </message>
    <message>
      <source>Save the plan to a store first.</source>
      <translation>请先将规划保存到数据库。</translation>
    </message>
    <message>
      <source>The map shows the projects as saved; save to show your latest entries.</source>
      <translation>地图显示的是已保存的项目；保存后才会显示最新录入。</translation>
    </message>
    <message>
      <source>Your entries for these records are kept, marked in the list. Select one and click 'Reload this project' to see what was saved, then apply your entries again.</source>
      <translation>您对这些记录的录入均已保留，并在列表中标出。选中一条，点击“重新读取此项目”查看已保存的内容，再重新应用您的录入。</translation>
    </message>
    <message>
      <source>Created plan store {file}.</source>
      <translation>已新建规划数据库 {file}。</translation>
    </message>
    <message>
      <source>Special plan</source>
      <translation>专项规划</translation>
    </message>
    <message>
      <source>(read-only)</source>
      <translation>（只读）</translation>
    </message>
    <message>
      <source>{count} projects read from {file}; save to keep them.</source>
      <translation>已从 {file} 读入 {count} 个项目；保存后生效。</translation>
    </message>
    <message>
      <source>Projects exported to {file}.</source>
      <translation>项目已导出到 {file}。</translation>
    </message>
    <message>
      <source>Reloaded: shown as saved at {time}. Your entries: {entries}</source>
      <translation>已重新读取：显示的是 {time} 保存的内容。您的录入：{entries}</translation>
    </message>
    <message>
      <source>History</source>
      <translation>变更记录</translation>
    </message>
    <message>
      <source>{count} projects have a facility type that {standard} does not know.</source>
      <translation>有 {count} 个项目的设施类型不在“{standard}”中。</translation>
    </message>
    <message>
      <source>Facility types are checked against {standard}.</source>
      <translation>设施类型现按“{standard}”核对。</translation>
    </message>
    <message>
      <source>Give this as the plan store of the algorithms: {source}</source>
      <translation>在算法中以此作为规划数据库：{source}</translation>
    </message>
    <message>
      <source>{field}: yours {mine}, saved {theirs}</source>
      <translation>{field}：您的 {mine}，已保存 {theirs}</translation>
    </message>
    <message>
      <source>Plan store in a database (PostgreSQL/PostGIS)</source>
      <translation>数据库中的规划数据库（PostgreSQL/PostGIS）</translation>
    </message>
    <message>
      <source>A plan store in PostgreSQL/PostGIS lets a team work on one plan at once: a save never overwrites a change someone else saved since you opened the plan. Choose one of your saved QGIS connections (Browser ▸ PostgreSQL ▸ New Connection; use an authentication configuration to keep the password out of projects).</source>
      <translation>PostgreSQL/PostGIS 中的规划数据库可供团队同时编辑同一规划：保存时绝不会覆盖他人在您打开规划之后保存的修改。请选择您在 QGIS 中已保存的连接（浏览器 ▸ PostgreSQL ▸ 新建连接；请使用认证配置，避免密码写入工程文件）。</translation>
    </message>
    <message>
      <source>Connection:</source>
      <translation>连接：</translation>
    </message>
    <message>
      <source>Schema:</source>
      <translation>模式：</translation>
    </message>
    <message>
      <source>Address:</source>
      <translation>地址：</translation>
    </message>
    <message>
      <source>Open</source>
      <translation>打开</translation>
    </message>
    <message>
      <source>Create here</source>
      <translation>在此新建</translation>
    </message>
    <message>
      <source>Create a new plan store in this schema (a new or an empty one) from the plan information entered in the Plan data dialog.</source>
      <translation>用规划数据对话框中录入的规划信息，在此模式（新的或空的）中新建规划数据库。</translation>
    </message>
    <message>
      <source>There is no saved PostgreSQL connection yet: add one in the Browser panel.</source>
      <translation>尚无已保存的 PostgreSQL 连接：请在浏览器面板中添加。</translation>
    </message>
    <message>
      <source>Plan stores in this database: {schemas}</source>
      <translation>此数据库中的规划数据库：{schemas}</translation>
    </message>
    <message>
      <source>none yet</source>
      <translation>暂无</translation>
    </message>
    <message>
      <source>Reload this project</source>
      <translation>重新读取此项目</translation>
    </message>
    <message>
      <source>Show the project as it is saved now; your entries are kept to apply again.</source>
      <translation>显示该项目当前已保存的内容；您的录入会保留，可重新应用。</translation>
    </message>
    <message>
      <source>Apply my entries again</source>
      <translation>重新应用我的录入</translation>
    </message>
    <message>
      <source>Keep it as saved</source>
      <translation>保持已保存的内容</translation>
    </message>
    <message>
      <source>not located</source>
      <translation>未定位</translation>
    </message>
    <message>
      <source>Pick on map</source>
      <translation>在地图上选取</translation>
    </message>
    <message>
      <source>Click the project's location on the map canvas.</source>
      <translation>在地图画布上点击项目位置。</translation>
    </message>
    <message>
      <source>From selected feature</source>
      <translation>取自所选要素</translation>
    </message>
    <message>
      <source>Use the point on surface of the feature selected in this layer (a community or compound).</source>
      <translation>使用此图层中所选要素（社区或小区）的面内点。</translation>
    </message>
    <message>
      <source>e.g. 2025</source>
      <translation>例如 2025</translation>
    </message>
    <message>
      <source>a number greater than 0</source>
      <translation>大于 0 的数</translation>
    </message>
    <message>
      <source>Polygon ({area} m²)</source>
      <translation>面（{area} m²）</translation>
    </message>
    <message>
      <source>Point {x}, {y}</source>
      <translation>点 {x}, {y}</translation>
    </message>
    <message>
      <source>A table (CSV, Excel sheet, GeoPackage table …) with the columns community_id, point_id, score and optionally evidence, assessor, date. An empty score means not scored yet (待评).</source>
      <translation type="vanished">包含 community_id、point_id、score 列（可选 evidence、assessor、date 列）的表格（CSV、Excel 工作表、GeoPackage 表等）。得分为空表示尚未评分（待评）。</translation>
    </message>
    <message>
      <source>Community ids separated by commas: pages for these only. Every community when empty.</source>
      <translation type="vanished">以逗号分隔的社区编号：只为这些社区出图。留空时为全部社区出图。</translation>
    </message>
    <message>
      <source>Facility standard {file}, type #{index} ({code}): field 'sharing.reach_m' is given but 'sharing.shareable' is false</source>
      <translation type="vanished">设施标准 {file}，第 #{index} 类（{code}）：给出了字段 'sharing.reach_m'，但 'sharing.shareable' 为 false</translation>
    </message>
    <message>
      <source>Facility type {code} ({name}), radius {radius} m.</source>
      <translation type="vanished">设施类型 {code}（{name}），服务半径 {radius} 米。</translation>
    </message>
    <message>
      <source>Layer '{layer}' has no field {fields} (nor other_tags): the default {parameter} expression takes no line as {what} from it.</source>
      <translation type="vanished">图层“{layer}”没有字段 {fields}（也没有 other_tags）：默认的 {parameter} 表达式不会据此把任何线识别为{what}。</translation>
    </message>
    <message>
      <source>Map book: {files} file(s), {pages} pages, Chinese text in '{font}'.</source>
      <translation type="vanished">社区体检图集：{files} 个文件，共 {pages} 页，中文字体为“{font}”。</translation>
    </message>
    <message>
      <source>No sites are proposed on lines of layer '{layer}' where {expression}</source>
      <translation type="vanished">图层“{layer}”中满足以下条件的线上不生成点位：{expression}</translation>
    </message>
    <message>
      <source>Optional: a plan store GeoPackage made by the plan dialogs; its projects make the 项目库 sheet. Without it the sheet is left out.</source>
      <translation type="vanished">可选：用规划数据对话框建立的规划数据库 GeoPackage，其中的项目写入项目库工作表。不给时不生成该表。</translation>
    </message>
    <message>
      <source>Output '{output}': the file must end in .xlsx, got '{file}'.</source>
      <translation type="vanished">输出“{output}”：文件名必须以 .xlsx 结尾，实际为“{file}”。</translation>
    </message>
    <message>
      <source>Output '{output}': the folder '{folder}' does not exist.</source>
      <translation type="vanished">输出“{output}”：文件夹“{folder}”不存在。</translation>
    </message>
    <message>
      <source>Plan store (*.gpkg)</source>
      <translation type="vanished">规划数据库 (*.gpkg)</translation>
    </message>
    <message>
      <source>Plan store {file} is read-only: the suggested sites cannot be added.</source>
      <translation type="vanished">规划数据库 {file} 为只读：无法写入建议点位。</translation>
    </message>
    <message>
      <source>Plan store {file} was written by an older version of the plugin (schema version {version}) and must be upgraded, but database role {role} may only read it. Ask the schema's owner to open it once with this version. The schema was left unchanged</source>
      <translation type="vanished">规划数据库 {file} 由旧版本插件写入（结构版本 {version}），需要升级，但数据库角色 {role} 只有读取权限。请该模式的所有者用本版本打开一次。该模式未作任何改动</translation>
    </message>
    <message>
      <source>Projects workbook {file} could not be written: {reason}</source>
      <translation type="vanished">项目库工作簿 {file} 无法写入：{reason}</translation>
    </message>
    <message>
      <source>Reduced problem: {demands} compounds not served in {groups} groups of compounds reached by the same candidates; {candidates} candidates not dominated by another.</source>
      <translation type="vanished">约简后的问题：{demands} 个未覆盖小区，按可服务它们的备选点位相同归为 {groups} 组；{candidates} 个备选点位不被其他点位支配。</translation>
    </message>
    <message>
      <source>Rubric workbook {file} could not be written: {reason}</source>
      <translation type="vanished">无法写入评分细则工作簿 {file}：{reason}</translation>
    </message>
    <message>
      <source>Suggested by site suggestion on {date}: newly serves {people} residents in {units} compounds within {radius} m.</source>
      <translation type="vanished">由选址建议于 {date} 生成：在 {radius} 米内新服务 {units} 个小区的 {people} 名居民。</translation>
    </message>
    <message>
      <source>Suggested site (number: rank)</source>
      <translation type="vanished">建议选址（数字为排序）</translation>
    </message>
    <message>
      <source>The facility's type (code, name or OSM tag among the standard's aliases).</source>
      <translation type="vanished">设施类型（标准别名中的代码、名称或 OSM 标签）。</translation>
    </message>
    <message>
      <source>The map book {file} could not be put in place: {reason}</source>
      <translation type="vanished">无法将图集 {file} 移动到目标位置：{reason}</translation>
    </message>
    <message>
      <source>The plan store {file} was upgraded to the current format; the old file was kept as {backup}.</source>
      <translation type="vanished">规划数据库 {file} 已升级为当前格式；旧文件保留为 {backup}。</translation>
    </message>
    <message>
      <source>Total · grade</source>
      <translation type="vanished">总分 · 等级</translation>
    </message>
    <message>
      <source>Workbook {file} already exists; choose another file name or allow it to be replaced</source>
      <translation type="vanished">工作簿 {file} 已存在；请另选文件名，或允许覆盖该文件</translation>
    </message>
    <message>
      <source>Workbook {file} cannot be replaced: {reason}. Close it in Excel or another program, or check that it is not read-only; the existing file is left as it was</source>
      <translation type="vanished">无法替换工作簿 {file}：{reason}。请在 Excel 或其他程序中关闭该文件，或检查它是否为只读；原文件保持不变</translation>
    </message>
    <message>
      <source>Workbook {file} cannot be written: a folder of that name exists</source>
      <translation type="vanished">无法写入工作簿 {file}：已存在同名文件夹</translation>
    </message>
    <message>
      <source>Workbook {file} cannot be written: the folder {folder} does not exist</source>
      <translation type="vanished">无法写入工作簿 {file}：文件夹 {folder} 不存在</translation>
    </message>
    <message>
      <source>Workbook {file} could not be put in place: {reason}. The existing file is left as it was</source>
      <translation type="vanished">无法将工作簿 {file} 放到目标位置：{reason}。原文件保持不变</translation>
    </message>
    <message>
      <source>Workbook {file} could not be written: {reason}. Nothing was changed; check that the folder is writable and has free space</source>
      <translation type="vanished">无法写入工作簿 {file}：{reason}。未做任何更改；请检查文件夹是否可写、磁盘空间是否充足</translation>
    </message>
    <message>
      <source>unreachable: no candidate site within {radius} m</source>
      <translation type="vanished">无法服务：{radius} 米内没有备选点位</translation>
    </message>
    <message>
      <source>{count} candidates, {reaching} of them within {radius} m of a compound not served; {idle} reach nobody new.</source>
      <translation type="vanished">{count} 个备选点位，其中 {reaching} 个在未覆盖小区 {radius} 米范围内；{idle} 个不能新覆盖任何人。</translation>
    </message>
    <message>
      <source>{file} is not a plan store: schema '{schema}' has no '{table}' table of format '{format}'. The schema was left unchanged</source>
      <translation type="vanished">{file} 不是规划数据库：模式“{schema}”中没有格式为“{format}”的“{table}”表。该模式未作任何改动</translation>
    </message>
    <message>
      <source>{found} of {count} features are in the file</source>
      <translation type="vanished">文件中只有 {found} 个要素（应为 {count} 个）</translation>
    </message>
    <message>
      <source>{label}: this output was not asked for, so it cannot be written.</source>
      <translation type="vanished">{label}：未指定该输出，无法写入。</translation>
    </message>
    <message>
      <source>{names} … ({count} in all)</source>
      <translation type="vanished">{names}等，共 {count} 类</translation>
    </message>
  </context>
</TS>
