// The parts of recharts that lazy_chart.js draws with: named imports, so the bundler
// keeps only these (a dynamic import of the whole package would ship all of it).
export {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
