import { Route, Routes } from 'react-router-dom';
import { LandingPage } from '../landing/LandingPage';
import { ComingSoon } from './ComingSoon';
import { NotFound } from './NotFound';

export function App() {
  return (
    <Routes>
      <Route path="/" element={<LandingPage />} />
      <Route path="/signup" element={<ComingSoon title="Sign up" />} />
      <Route path="/login" element={<ComingSoon title="Log in" />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
