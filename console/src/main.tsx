// The console's shell: the header and the page the URL names.
import { render } from "preact";
import { Link, NotFound } from "./components";
import { CreateStateMachine } from "./pages/Create";
import { EditPage } from "./pages/Edit";
import { Functions } from "./pages/Functions";
import { ExecutionPage } from "./pages/Execution";
import { StateMachinePage } from "./pages/StateMachine";
import { StateMachines } from "./pages/StateMachines";
import { paths, route, usePath } from "./router";
import "./style.css";

function App() {
  const path = usePath();
  const r = route(path);
  let page;
  switch (r.page) {
    case "list":
      page = <StateMachines />;
      break;
    case "create":
      page = <CreateStateMachine />;
      break;
    case "machine":
      page = <StateMachinePage key={r.arn} arn={r.arn} />;
      break;
    case "functions":
      page = <Functions />;
      break;
    case "edit":
      page = <EditPage key={r.arn} arn={r.arn} />;
      break;
    case "execution":
      page = <ExecutionPage key={r.arn} arn={r.arn} />;
      break;
    default:
      page = <NotFound what="Page" detail={r.path} />;
  }
  return (
    <>
      <header class="top">
        <Link href={paths.list} class="brand">
          Stepwise
        </Link>
        <nav>
          <Link href={paths.list}>State machines</Link>
          <Link href={paths.functions}>Functions</Link>
        </nav>
      </header>
      <main>{page}</main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
